def attend_with_cache(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                      cache_k: torch.Tensor | None = None, cache_v: torch.Tensor | None = None
                      ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Correct alternative: one query at a time, each over the slice of keys it may see, with a
    log-sum-exp softmax written out."""
    keys = k if cache_k is None else torch.cat((cache_k, k), 2)
    values = v if cache_v is None else torch.cat((cache_v, v), 2)
    t_past = keys.shape[2] - q.shape[2]
    rows = []
    for i in range(q.shape[2]):
        seen_k = keys[:, :, : t_past + i + 1].double()
        seen_v = values[:, :, : t_past + i + 1].double()
        s = torch.einsum("bhd,bhjd->bhj", q[:, :, i].double(), seen_k) / q.shape[-1] ** 0.5
        w = torch.exp(s - torch.logsumexp(s, dim=-1, keepdim=True))
        rows.append(torch.einsum("bhj,bhjd->bhd", w, seen_v))
    return torch.stack(rows, dim=2).to(q.dtype), keys, values
