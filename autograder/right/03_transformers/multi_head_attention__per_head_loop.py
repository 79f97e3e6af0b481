def multi_head_attention(x: torch.Tensor, c_attn_weight: torch.Tensor,
                         c_attn_bias: torch.Tensor, c_proj_weight: torch.Tensor,
                         c_proj_bias: torch.Tensor, n_head: int,
                         causal: bool = True) -> torch.Tensor:
    """Correct alternative: a Python loop over heads slicing channel blocks, its own softmax
    attention per head, heads joined with torch.cat, F.linear for both projections."""
    B, T, C = x.shape
    hs = C // n_head
    qkv = F.linear(x, c_attn_weight, c_attn_bias)
    q, k, v = qkv[..., :C], qkv[..., C:2 * C], qkv[..., 2 * C:]
    allowed = torch.ones(T, T, dtype=torch.bool).tril() if causal else None
    heads = []
    for h in range(n_head):
        sl = slice(h * hs, (h + 1) * hs)
        s = q[..., sl] @ k[..., sl].transpose(1, 2) / math.sqrt(hs)     # (B, T, T)
        if allowed is not None:
            s = s.masked_fill(~allowed, float("-inf"))
        heads.append(torch.softmax(s, dim=-1) @ v[..., sl])
    return F.linear(torch.cat(heads, dim=-1), c_proj_weight, c_proj_bias)
