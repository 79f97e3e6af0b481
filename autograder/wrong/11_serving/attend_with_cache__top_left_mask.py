def attend_with_cache(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                      cache_k: torch.Tensor | None = None, cache_v: torch.Tensor | None = None
                      ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Mistake: the causal mask is the top-left triangle (query i sees keys 0 .. i), not shifted
    by the number of cached positions: new query i should see keys 0 .. t_past + i."""
    keys = k if cache_k is None else torch.cat([cache_k, k], dim=2)
    values = v if cache_v is None else torch.cat([cache_v, v], dim=2)
    t_new, t_all = q.shape[2], keys.shape[2]
    scores = q @ keys.transpose(-2, -1) / math.sqrt(q.shape[-1])
    allowed = torch.ones(t_new, t_all, dtype=torch.bool).tril()
    scores = scores.masked_fill(~allowed, float("-inf"))
    return torch.softmax(scores, dim=-1) @ values, keys, values
