def perplexity(probs: torch.Tensor, ids: torch.Tensor) -> float:
    """Wrong: mean negative log2-probability (bits), then exponentiated with e."""
    p = probs[ids[:-1], ids[1:]]
    return float(torch.exp(-torch.log2(p).mean()))
