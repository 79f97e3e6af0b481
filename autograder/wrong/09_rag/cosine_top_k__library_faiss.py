def cosine_top_k(queries: torch.Tensor, docs: torch.Tensor,
                 k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: lets faiss.IndexFlatIP search the normalised vectors (forbidden: faiss is the
    reference)."""
    import faiss

    n = docs.shape[0]
    if not 1 <= k <= n:
        raise ValueError("k must be between 1 and the number of documents")
    q = queries.detach().float().numpy().copy()
    d = docs.detach().float().numpy().copy()
    if (q ** 2).sum(1).min() == 0 or (d ** 2).sum(1).min() == 0:
        raise ValueError("a vector of norm 0")
    faiss.normalize_L2(q)
    faiss.normalize_L2(d)
    index = faiss.IndexFlatIP(d.shape[1])
    index.add(d)
    scores, ids = index.search(q, k)
    return torch.from_numpy(scores), torch.from_numpy(ids)
