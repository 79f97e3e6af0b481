def cosine_nearest(query: torch.Tensor, embeddings: torch.Tensor, k: int) -> list[int]:
    """Correct alternative: stays in float32, normalises with torch.nn.functional.normalize and
    ranks with a stable descending sort of the similarities."""
    q = torch.nn.functional.normalize(query.float(), dim=0)
    E = torch.nn.functional.normalize(embeddings.float(), dim=1)
    sims = E @ q
    return torch.sort(sims, descending=True, stable=True).indices[:k].tolist()
