def position_ids_from_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """Mistake: cumsum(mask) - 1 everywhere: the left padding gets -1 (an embedding table has no
    row -1), and the docstring asks for 1."""
    return attention_mask.long().cumsum(-1) - 1
