def cosine_nearest(query: torch.Tensor, embeddings: torch.Tensor, k: int) -> list[int]:
    """Mistake: sorts ascending, returning the LEAST similar rows."""
    q = query / query.norm()
    e = embeddings / embeddings.norm(dim=1, keepdim=True)
    return torch.argsort(e @ q)[:k].tolist()
