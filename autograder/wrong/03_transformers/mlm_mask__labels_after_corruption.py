def mlm_mask(input_ids: torch.Tensor, mask_token_id: int, vocab_size: int,
             mlm_probability: float = 0.15, special_ids: tuple[int, ...] = (),
             generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: copies the labels from the corrupted inputs, so they hold [MASK], not the original."""
    special = torch.isin(input_ids, torch.tensor(list(special_ids), dtype=input_ids.dtype))
    selected = (torch.rand(input_ids.shape, generator=generator) < mlm_probability) & ~special
    action = torch.rand(input_ids.shape, generator=generator)
    random_ids = torch.randint(0, vocab_size, input_ids.shape, generator=generator,
                               dtype=input_ids.dtype)
    inputs = input_ids.clone()
    inputs = torch.where(selected & (action < 0.8), torch.full_like(inputs, mask_token_id), inputs)
    inputs = torch.where(selected & (action >= 0.8) & (action < 0.9), random_ids, inputs)
    labels = torch.where(selected, inputs, torch.full_like(inputs, -100))
    return inputs, labels
