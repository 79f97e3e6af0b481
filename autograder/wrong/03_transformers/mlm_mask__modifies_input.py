def mlm_mask(input_ids: torch.Tensor, mask_token_id: int, vocab_size: int,
             mlm_probability: float = 0.15, special_ids: tuple[int, ...] = (),
             generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: writes the corruption into input_ids itself (no clone) and returns it."""
    special = torch.isin(input_ids, torch.tensor(list(special_ids), dtype=input_ids.dtype))
    selected = (torch.rand(input_ids.shape, generator=generator) < mlm_probability) & ~special
    labels = torch.where(selected, input_ids, torch.full_like(input_ids, -100))
    action = torch.rand(input_ids.shape, generator=generator)
    random_ids = torch.randint(0, vocab_size, input_ids.shape, generator=generator,
                               dtype=input_ids.dtype)
    to_mask = selected & (action < 0.8)
    to_random = selected & (action >= 0.8) & (action < 0.9)
    input_ids[to_mask] = mask_token_id
    input_ids[to_random] = random_ids[to_random]
    return input_ids, labels
