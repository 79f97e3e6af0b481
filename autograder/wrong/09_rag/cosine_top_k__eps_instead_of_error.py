def cosine_top_k(queries: torch.Tensor, docs: torch.Tensor,
                 k: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: normalises with F.normalize, whose eps turns a zero vector into a zero vector
    with score 0 instead of raising ValueError."""
    n = docs.shape[0]
    if not 1 <= k <= n:
        raise ValueError("k must be between 1 and the number of documents")
    q = torch.nn.functional.normalize(queries.float(), dim=1)
    d = torch.nn.functional.normalize(docs.float(), dim=1)
    return torch.topk(q @ d.T, k, dim=1)
