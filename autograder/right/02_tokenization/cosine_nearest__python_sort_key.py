def cosine_nearest(query: torch.Tensor, embeddings: torch.Tensor, k: int) -> list[int]:
    """Correct alternative: float64 dot products divided by both norms, then Python's sorted
    with the key (-similarity, index)."""
    q = query.double()
    E = embeddings.double()
    sims = (E @ q) / (E.norm(dim=1) * q.norm())
    s = sims.tolist()
    return sorted(range(len(s)), key=lambda i: (-s[i], i))[:k]
