def multi_head_attention(x: torch.Tensor, c_attn_weight: torch.Tensor,
                         c_attn_bias: torch.Tensor, c_proj_weight: torch.Tensor,
                         c_proj_bias: torch.Tensor, n_head: int,
                         causal: bool = True) -> torch.Tensor:
    """Mistake: always applies the causal mask, even when causal=False."""
    B, T, C = x.shape
    hs = C // n_head
    q, k, v = (x @ c_attn_weight.T + c_attn_bias).split(C, dim=-1)
    q, k, v = (t.reshape(B, T, n_head, hs).transpose(1, 2) for t in (q, k, v))
    y, _ = scaled_dot_product_attention(q, k, v, causal_mask(T))
    y = y.transpose(1, 2).reshape(B, T, C)
    return y @ c_proj_weight.T + c_proj_bias
