def mlm_mask(input_ids: torch.Tensor, mask_token_id: int, vocab_size: int,
             mlm_probability: float = 0.15, special_ids: tuple[int, ...] = (),
             generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: finds special positions with torch.stack([input_ids == s for s in special_ids]),
    which fails for the default special_ids = () (stack of an empty list)."""
    special = torch.stack([input_ids == s for s in special_ids]).any(dim=0)
    selected = (torch.rand(input_ids.shape, generator=generator) < mlm_probability) & ~special
    labels = torch.where(selected, input_ids, torch.full_like(input_ids, -100))
    action = torch.rand(input_ids.shape, generator=generator)
    random_ids = torch.randint(0, vocab_size, input_ids.shape, generator=generator,
                               dtype=input_ids.dtype)
    inputs = input_ids.clone()
    inputs = torch.where(selected & (action < 0.8), torch.full_like(inputs, mask_token_id), inputs)
    inputs = torch.where(selected & (action >= 0.8) & (action < 0.9), random_ids, inputs)
    return inputs, labels
