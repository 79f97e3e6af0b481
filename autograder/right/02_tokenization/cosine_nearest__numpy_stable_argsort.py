def cosine_nearest(query: torch.Tensor, embeddings: torch.Tensor, k: int) -> list[int]:
    """Correct alternative: NumPy, row-normalised with np.linalg.norm, and a stable argsort of
    the negated similarities."""
    import numpy as np

    E = embeddings.double().numpy()
    q = query.double().numpy()
    sims = (E / np.linalg.norm(E, axis=1, keepdims=True)) @ (q / np.linalg.norm(q))
    order = np.argsort(-sims, kind="stable")
    return [int(i) for i in order[:k]]
