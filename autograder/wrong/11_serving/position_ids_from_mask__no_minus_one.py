def position_ids_from_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """Mistake: cumsum of the mask without the - 1: the first real token gets position 1."""
    mask = attention_mask.long()
    return mask.cumsum(-1).masked_fill(mask == 0, 1)
