def bigram_lm(text: str, vocab: list[str], alpha: float) -> torch.Tensor:
    """Correct alternative: counts pairs in a plain dict, builds the rows in Python and returns
    float64 (still "a float tensor")."""
    pairs = {}
    for prev, nxt in zip(text, text[1:]):
        pairs[prev, nxt] = pairs.get((prev, nxt), 0) + 1
    V = len(vocab)
    rows = []
    for a in vocab:
        total = sum(pairs.get((a, b), 0) for b in vocab) + alpha * V
        rows.append([(pairs.get((a, b), 0) + alpha) / total for b in vocab])
    return torch.tensor(rows, dtype=torch.float64)
