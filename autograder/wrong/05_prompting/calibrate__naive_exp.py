def calibrate(scores: torch.Tensor, content_free: torch.Tensor) -> torch.Tensor:
    """Mistake: probabilities as exp(s) / exp(s).sum(), which is 0 / 0 = NaN for scores of -1000."""
    p = scores.exp() / scores.exp().sum(dim=-1, keepdim=True)
    p_cf = content_free.exp() / content_free.exp().sum()
    q = p / p_cf
    return q / q.sum(dim=-1, keepdim=True)
