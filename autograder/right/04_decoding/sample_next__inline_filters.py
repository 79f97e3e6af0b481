def sample_next(logits: torch.Tensor, temperature: float = 1.0, top_k: int | None = None,
                top_p: float | None = None, generator: torch.Generator | None = None) -> torch.Tensor:
    """Correct alternative: the three steps written inline with boolean masks (no calls to the
    earlier tasks), then torch.multinomial with the generator."""
    if temperature == 0:
        return torch.argmax(logits, dim=-1)
    scores = logits * (1.0 / temperature)
    neg = float("-inf")
    if top_k is not None:
        kk = min(max(top_k, 1), scores.shape[-1])
        kth = scores.topk(kk, dim=-1).values[:, -1:]
        scores = torch.where(scores < kth, torch.full_like(scores, neg), scores)
    if top_p is not None:
        ranked, order = scores.sort(dim=-1, descending=True)
        probs = ranked.softmax(dim=-1)
        before = torch.cat([torch.zeros_like(probs[:, :1]), probs.cumsum(dim=-1)[:, :-1]], dim=-1)
        drop = before >= top_p
        drop[:, 0] = False
        mask = torch.empty_like(drop).scatter_(-1, order, drop)
        scores = scores.masked_fill(mask, neg)
    probs = torch.softmax(scores, dim=-1)
    return torch.multinomial(probs, num_samples=1, generator=generator)[:, 0]
