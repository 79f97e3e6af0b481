def perplexity(probs: torch.Tensor, ids: torch.Tensor) -> float:
    """Mistake: the geometric mean as a product of probabilities, which underflows to 0 (and the
    perplexity to inf) on a long sequence."""
    p = probs[ids[:-1], ids[1:]].double()
    return float(torch.prod(p) ** (-1.0 / (len(ids) - 1)))
