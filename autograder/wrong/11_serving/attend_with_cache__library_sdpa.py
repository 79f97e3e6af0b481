def attend_with_cache(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                      cache_k: torch.Tensor | None = None, cache_v: torch.Tensor | None = None
                      ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Mistake: lets PyTorch do the attention (scaled_dot_product_attention, with the right
    shifted mask, so the numbers are correct; the task forbids it)."""
    keys = k if cache_k is None else torch.cat([cache_k, k], dim=2)
    values = v if cache_v is None else torch.cat([cache_v, v], dim=2)
    t_new, t_all = q.shape[2], keys.shape[2]
    allowed = torch.ones(t_new, t_all, dtype=torch.bool).tril(t_all - t_new)
    return F.scaled_dot_product_attention(q, keys, values, attn_mask=allowed), keys, values
