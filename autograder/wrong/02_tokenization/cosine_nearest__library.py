def cosine_nearest(query: torch.Tensor, embeddings: torch.Tensor, k: int) -> list[int]:
    """Mistake: lets torch.nn.functional.cosine_similarity compute the cosine (off limits)."""
    import torch.nn.functional as F

    sims = F.cosine_similarity(embeddings.double(), query.double()[None, :], dim=1)
    return torch.sort(sims, descending=True, stable=True).indices[:k].tolist()
