def position_ids_from_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """Mistake: column number minus the row's number of pads: right for left padding, wrong as
    soon as a zero is not at the start (right padding, or a hole)."""
    mask = attention_mask.long()
    b, t = mask.shape
    pads = t - mask.sum(-1, keepdim=True)
    positions = torch.arange(t).expand(b, t) - pads
    return positions.masked_fill(mask == 0, 1)
