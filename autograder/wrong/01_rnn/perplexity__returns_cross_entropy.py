def perplexity(probs: torch.Tensor, ids: torch.Tensor) -> float:
    """Wrong: returns the mean negative log-likelihood and forgets the exponential."""
    p = probs[ids[:-1], ids[1:]]
    return float(-torch.log(p).mean())
