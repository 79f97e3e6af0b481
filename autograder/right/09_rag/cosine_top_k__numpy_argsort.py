def cosine_top_k(queries: torch.Tensor, docs: torch.Tensor,
                 k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Correct alternative: numpy in float32, the order from a stable argsort of the negated
    similarities."""
    import numpy as np

    if k < 1 or k > len(docs):
        raise ValueError("k out of range")
    q = queries.detach().to(torch.float32).numpy()
    d = docs.detach().to(torch.float32).numpy()
    qn = np.sqrt((q * q).sum(axis=1, keepdims=True))
    dn = np.sqrt((d * d).sum(axis=1, keepdims=True))
    if not (qn > 0).all() or not (dn > 0).all():
        raise ValueError("zero vector")
    sims = (q / qn) @ (d / dn).T
    order = np.argsort(-sims, axis=1, kind="stable")[:, :k]
    top = np.take_along_axis(sims, order, axis=1)
    return torch.from_numpy(np.ascontiguousarray(top, dtype=np.float32)), \
        torch.from_numpy(order.astype(np.int64))
