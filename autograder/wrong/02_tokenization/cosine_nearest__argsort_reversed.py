def cosine_nearest(query: torch.Tensor, embeddings: torch.Tensor, k: int) -> list[int]:
    """Mistake: np.argsort(...)[::-1]: right similarities, but ties come in decreasing index order."""
    import numpy as np

    q = query.double() / query.double().norm()
    e = embeddings.double() / embeddings.double().norm(dim=1, keepdim=True)
    sims = (e @ q).numpy()
    return [int(i) for i in np.argsort(sims, kind="stable")[::-1][:k]]
