def cosine_top_k(queries: torch.Tensor, docs: torch.Tensor,
                 k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: ranks with numpy and returns the indices as int32."""
    import numpy as np

    n = docs.shape[0]
    if not 1 <= k <= n:
        raise ValueError("k must be between 1 and the number of documents")
    q, d = queries.float().numpy(), docs.float().numpy()
    q_norm = np.linalg.norm(q, axis=1, keepdims=True)
    d_norm = np.linalg.norm(d, axis=1, keepdims=True)
    if (q_norm == 0).any() or (d_norm == 0).any():
        raise ValueError("a vector of norm 0")
    sims = (q / q_norm) @ (d / d_norm).T
    order = np.argsort(-sims, axis=1, kind="stable")[:, :k].astype(np.int32)
    return torch.from_numpy(np.take_along_axis(sims, order, 1)), torch.from_numpy(order)
