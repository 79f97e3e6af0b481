def cosine_top_k(queries: torch.Tensor, docs: torch.Tensor,
                 k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: normalises the queries but not the documents, so it ranks by dot product with
    each document (long documents win)."""
    n = docs.shape[0]
    if not 1 <= k <= n:
        raise ValueError("k must be between 1 and the number of documents")
    q, d = queries.float(), docs.float()
    q_norm, d_norm = q.norm(dim=1, keepdim=True), d.norm(dim=1, keepdim=True)
    if bool((q_norm == 0).any()) or bool((d_norm == 0).any()):
        raise ValueError("a vector of norm 0")
    sims = (q / q_norm) @ d.T
    scores, indices = torch.topk(sims, k, dim=1)
    return scores, indices
