def perplexity(probs: torch.Tensor, ids: torch.Tensor) -> float:
    """Wrong (off by one): divides the total NLL by N tokens instead of N - 1 predictions."""
    p = probs[ids[:-1], ids[1:]]
    return float(torch.exp(-torch.log(p).sum() / len(ids)))
