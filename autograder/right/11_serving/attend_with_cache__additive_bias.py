def attend_with_cache(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                      cache_k: torch.Tensor | None = None, cache_v: torch.Tensor | None = None
                      ) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Correct alternative: an additive bias of -inf above the shifted diagonal (torch.triu), the
    maximum subtracted by hand before the exponential."""
    if cache_k is not None:
        k, v = torch.cat([cache_k, k], dim=-2), torch.cat([cache_v, v], dim=-2)
    n_q, n_k = q.shape[-2], k.shape[-2]
    bias = torch.full((n_q, n_k), float("-inf"), dtype=torch.float64).triu(n_k - n_q + 1)
    s = torch.matmul(q.double(), k.double().transpose(-1, -2)) * (1.0 / math.sqrt(q.size(-1))) + bias
    e = torch.exp(s - s.amax(dim=-1, keepdim=True))
    return torch.matmul(e / e.sum(-1, keepdim=True), v.double()).to(q.dtype), k, v
