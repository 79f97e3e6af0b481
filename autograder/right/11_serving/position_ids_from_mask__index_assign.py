def position_ids_from_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """Correct alternative: cumsum in int64 on a fresh tensor, then the pads set by indexing."""
    real = attention_mask.bool()
    pos = torch.cumsum(real.long(), dim=1) - 1
    pos[~real] = 1
    return pos
