def attend_with_cache(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                      cache_k: torch.Tensor | None = None, cache_v: torch.Tensor | None = None
                      ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Mistake: the softmax written as exp(s) / sum(exp(s)) without subtracting the row's maximum:
    scores of a few hundred overflow to inf, and inf / inf is NaN."""
    keys = k if cache_k is None else torch.cat([cache_k, k], dim=2)
    values = v if cache_v is None else torch.cat([cache_v, v], dim=2)
    t_new, t_all = q.shape[2], keys.shape[2]
    scores = q @ keys.transpose(-2, -1) / math.sqrt(q.shape[-1])
    allowed = torch.ones(t_new, t_all, dtype=torch.bool).tril(t_all - t_new)
    e = torch.exp(scores) * allowed
    return (e / e.sum(dim=-1, keepdim=True)) @ values, keys, values
