def attend_with_cache(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                      cache_k: torch.Tensor | None = None, cache_v: torch.Tensor | None = None
                      ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Mistake: converts everything to float32 and returns float32 whatever the dtype of q, so
    float64 inputs come back rounded (the docstring: at least float32, out in q's dtype)."""
    keys = k if cache_k is None else torch.cat([cache_k, k], dim=2)
    values = v if cache_v is None else torch.cat([cache_v, v], dim=2)
    t_new, t_all = q.shape[2], keys.shape[2]
    scores = q.float() @ keys.float().transpose(-2, -1) / math.sqrt(q.shape[-1])
    allowed = torch.ones(t_new, t_all, dtype=torch.bool).tril(t_all - t_new)
    scores = scores.masked_fill(~allowed, float("-inf"))
    return torch.softmax(scores, dim=-1) @ values.float(), keys, values
