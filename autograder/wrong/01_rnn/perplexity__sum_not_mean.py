def perplexity(probs: torch.Tensor, ids: torch.Tensor) -> float:
    """Wrong: exp of the SUM of negative log-probabilities (grows with the sequence length)."""
    p = probs[ids[:-1], ids[1:]]
    return float(torch.exp(-torch.log(p).sum()))
