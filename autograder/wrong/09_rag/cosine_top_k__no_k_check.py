def cosine_top_k(queries: torch.Tensor, docs: torch.Tensor,
                 k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: does not check k, so k=0 returns empty results and k > n raises torch's
    RuntimeError instead of ValueError."""
    q, d = queries.float(), docs.float()
    q_norm, d_norm = q.norm(dim=1, keepdim=True), d.norm(dim=1, keepdim=True)
    if bool((q_norm == 0).any()) or bool((d_norm == 0).any()):
        raise ValueError("a vector of norm 0")
    return torch.topk((q / q_norm) @ (d / d_norm).T, k, dim=1)
