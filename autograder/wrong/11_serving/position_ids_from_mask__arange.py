def position_ids_from_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """Mistake: the column numbers 0, 1, 2, ... for every row, whatever the mask: a left-padded
    prompt starts at the position of its first real column, not at 0."""
    b, t = attention_mask.shape
    return torch.arange(t, dtype=torch.long).expand(b, t).clone()
