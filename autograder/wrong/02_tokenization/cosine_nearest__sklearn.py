def cosine_nearest(query: torch.Tensor, embeddings: torch.Tensor, k: int) -> list[int]:
    """Mistake: lets scikit-learn compute the cosine (off limits)."""
    from sklearn.metrics.pairwise import cosine_similarity

    sims = cosine_similarity(embeddings.double().numpy(), query.double().numpy()[None, :])[:, 0]
    return torch.sort(torch.from_numpy(sims), descending=True, stable=True).indices[:k].tolist()
