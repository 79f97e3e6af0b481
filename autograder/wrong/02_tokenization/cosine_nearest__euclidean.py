def cosine_nearest(query: torch.Tensor, embeddings: torch.Tensor, k: int) -> list[int]:
    """Mistake: nearest by Euclidean distance instead of cosine similarity."""
    dist = (embeddings.double() - query.double()).norm(dim=1)
    return torch.sort(dist, stable=True).indices[:k].tolist()
