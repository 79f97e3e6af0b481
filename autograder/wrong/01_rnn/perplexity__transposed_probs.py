def perplexity(probs: torch.Tensor, ids: torch.Tensor) -> float:
    """Wrong: indexes probs[next, previous] instead of probs[previous, next]."""
    p = probs[ids[1:], ids[:-1]]
    return float(torch.exp(-torch.log(p).mean()))
