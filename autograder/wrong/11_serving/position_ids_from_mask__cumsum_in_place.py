def position_ids_from_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """Mistake: .long() returns the SAME tensor when the mask is already int64, and cumsum_ then
    overwrites the caller's mask."""
    mask = attention_mask.long()
    real = mask == 1
    mask.cumsum_(-1)
    return torch.where(real, mask - 1, torch.ones_like(mask))
