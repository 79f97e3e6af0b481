def cosine_nearest(query: torch.Tensor, embeddings: torch.Tensor, k: int) -> list[int]:
    """Mistake: torch.topk gets the similarities right but promises no order among ties."""
    q = query / query.norm()
    e = embeddings / embeddings.norm(dim=1, keepdim=True)
    return torch.topk(e @ q, k).indices.tolist()
