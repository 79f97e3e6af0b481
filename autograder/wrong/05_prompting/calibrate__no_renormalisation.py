def calibrate(scores: torch.Tensor, content_free: torch.Tensor) -> torch.Tensor:
    """Mistake: returns p / p_cf without renormalising the rows."""
    p = torch.softmax(scores, dim=-1)
    p_cf = torch.softmax(content_free, dim=-1)
    return p / p_cf
