def bigram_lm(text: str, vocab: list[str], alpha: float) -> torch.Tensor:
    """Mistake: builds a (pairs, 2) index tensor from a list of pairs; for a text of one
    character the list is empty, torch.tensor([]) has shape (0,) and pairs[:, 0] fails."""
    index = {ch: i for i, ch in enumerate(vocab)}
    pairs = torch.tensor([(index[a], index[b]) for a, b in zip(text, text[1:])])
    V = len(vocab)
    counts = torch.bincount(pairs[:, 0] * V + pairs[:, 1], minlength=V * V).reshape(V, V).float()
    smoothed = counts + alpha
    return smoothed / smoothed.sum(dim=1, keepdim=True)
