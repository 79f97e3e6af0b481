def calibrate(scores: torch.Tensor, content_free: torch.Tensor) -> torch.Tensor:
    """Mistake: multiplies by the content-free probabilities (reinforcing the bias)."""
    p = torch.softmax(scores, dim=-1)
    p_cf = torch.softmax(content_free, dim=-1)
    q = p * p_cf
    return q / q.sum(dim=-1, keepdim=True)
