def cosine_nearest(query: torch.Tensor, embeddings: torch.Tensor, k: int) -> list[int]:
    """Mistake: skips the best match, assuming it is the query itself."""
    q = query.double() / query.double().norm()
    e = embeddings.double() / embeddings.double().norm(dim=1, keepdim=True)
    order = torch.sort(e @ q, descending=True, stable=True).indices
    return order[1:k + 1].tolist()
