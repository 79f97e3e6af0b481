def cosine_top_k(queries: torch.Tensor, docs: torch.Tensor,
                 k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: computes norms and dot products in the inputs' dtype (float16 overflows,
    bfloat16 rounds) and converts only the scores to float32."""
    n = docs.shape[0]
    if not 1 <= k <= n:
        raise ValueError("k must be between 1 and the number of documents")
    q_norm = queries.norm(dim=1, keepdim=True)
    d_norm = docs.norm(dim=1, keepdim=True)
    if bool((q_norm == 0).any()) or bool((d_norm == 0).any()):
        raise ValueError("a vector of norm 0")
    sims = (queries / q_norm) @ (docs / d_norm).T
    scores, indices = torch.topk(sims, k, dim=1)
    return scores.float(), indices
