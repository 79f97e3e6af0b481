def perplexity(probs: torch.Tensor, ids: torch.Tensor) -> float:
    """Correct alternative: a plain Python loop with math.log over the N - 1 predictions."""
    ids = ids.tolist()
    total = 0.0
    for prev, nxt in zip(ids, ids[1:]):
        total -= math.log(float(probs[prev, nxt]))
    return math.exp(total / (len(ids) - 1))
