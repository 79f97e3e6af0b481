def cosine_top_k(queries: torch.Tensor, docs: torch.Tensor,
                 k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Correct alternative: one query at a time in float64 (from x.float()), Python's sorted()
    on (-score, index), the scores rounded to float32 at the end."""
    n = docs.shape[0]
    if not 0 < k <= n:
        raise ValueError("k out of range")
    d = docs.detach().float().double()
    d_len = d.pow(2).sum(dim=1).sqrt()
    if (d_len == 0).any():
        raise ValueError("a document of norm 0")
    d = d / d_len[:, None]
    all_scores, all_ids = [], []
    for row in queries.detach().float().double():
        length = float(row.pow(2).sum().sqrt())
        if length == 0:
            raise ValueError("a query of norm 0")
        sims = (d @ (row / length)).tolist()
        best = sorted(range(n), key=lambda j: (-sims[j], j))[:k]
        all_ids.append(best)
        all_scores.append([sims[j] for j in best])
    return (torch.tensor(all_scores, dtype=torch.float64).float(),
            torch.tensor(all_ids, dtype=torch.int64))
