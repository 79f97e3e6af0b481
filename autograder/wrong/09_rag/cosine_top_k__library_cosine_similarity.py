def cosine_top_k(queries: torch.Tensor, docs: torch.Tensor,
                 k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: computes the similarities with torch.nn.functional.cosine_similarity
    (forbidden: the task is to normalise and multiply yourself)."""
    n = docs.shape[0]
    if not 1 <= k <= n:
        raise ValueError("k must be between 1 and the number of documents")
    q, d = queries.float(), docs.float()
    if bool((q.norm(dim=1) == 0).any()) or bool((d.norm(dim=1) == 0).any()):
        raise ValueError("a vector of norm 0")
    sims = torch.nn.functional.cosine_similarity(q[:, None, :], d[None, :, :], dim=-1)
    return torch.topk(sims, k, dim=1)
