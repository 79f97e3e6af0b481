def position_ids_from_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """Mistake: keeps the mask's dtype: a float mask gives float position ids (an embedding
    lookup needs int64)."""
    positions = attention_mask.cumsum(-1) - 1
    return positions.masked_fill(attention_mask == 0, 1)
