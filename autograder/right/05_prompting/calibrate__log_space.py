def calibrate(scores: torch.Tensor, content_free: torch.Tensor) -> torch.Tensor:
    """Correct alternative: divide in log space (log p - log p_cf) and renormalise with one more
    softmax; float64 inside."""
    log_q = torch.log_softmax(scores.double(), dim=-1) - torch.log_softmax(content_free.double(), dim=-1)
    return torch.softmax(log_q, dim=-1).to(scores.dtype)
