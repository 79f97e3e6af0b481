def mlm_mask(input_ids: torch.Tensor, mask_token_id: int, vocab_size: int,
             mlm_probability: float = 0.15, special_ids: tuple[int, ...] = (),
             generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Correct alternative: one uniform u per position decides everything: selected iff
    u < p, and u / p (uniform given selection) picks [MASK] / random / keep."""
    u = torch.rand(input_ids.shape, generator=generator, dtype=torch.float64)
    special = torch.zeros(input_ids.shape, dtype=torch.bool)
    for s in special_ids:
        special |= input_ids == s
    selected = (u < mlm_probability) & ~special
    r = u / mlm_probability if mlm_probability > 0 else u
    rand_tok = torch.randint(0, vocab_size, input_ids.shape, generator=generator)
    inputs = torch.where(selected & (r < 0.8), mask_token_id,
                         torch.where(selected & (r < 0.9), rand_tok, input_ids))
    labels = torch.where(selected, input_ids, -100)
    return inputs.long(), labels.long()
