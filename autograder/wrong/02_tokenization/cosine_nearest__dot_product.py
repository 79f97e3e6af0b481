def cosine_nearest(query: torch.Tensor, embeddings: torch.Tensor, k: int) -> list[int]:
    """Mistake: ranks by the plain dot product (no normalisation), so long vectors win."""
    sims = embeddings.double() @ query.double()
    return torch.sort(sims, descending=True, stable=True).indices[:k].tolist()
