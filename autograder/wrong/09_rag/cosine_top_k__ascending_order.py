def cosine_top_k(queries: torch.Tensor, docs: torch.Tensor,
                 k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: sorts the similarities in ascending order and takes the last k, so the k best
    documents come worst first."""
    n = docs.shape[0]
    if not 1 <= k <= n:
        raise ValueError("k must be between 1 and the number of documents")
    q, d = queries.float(), docs.float()
    q_norm, d_norm = q.norm(dim=1, keepdim=True), d.norm(dim=1, keepdim=True)
    if bool((q_norm == 0).any()) or bool((d_norm == 0).any()):
        raise ValueError("a vector of norm 0")
    sims = (q / q_norm) @ (d / d_norm).T
    values, order = torch.sort(sims, dim=1)
    return values[:, -k:], order[:, -k:]
