def multi_head_attention(x: torch.Tensor, c_attn_weight: torch.Tensor,
                         c_attn_bias: torch.Tensor, c_proj_weight: torch.Tensor,
                         c_proj_bias: torch.Tensor, n_head: int,
                         causal: bool = True) -> torch.Tensor:
    """Mistake: splits the channels as (hs, H) instead of (H, hs), so head h gets the strided
    channels h, h + H, h + 2H, ... instead of the block h*hs .. (h+1)*hs - 1."""
    B, T, C = x.shape
    hs = C // n_head
    q, k, v = (x @ c_attn_weight.T + c_attn_bias).split(C, dim=-1)
    q, k, v = (t.reshape(B, T, hs, n_head).permute(0, 3, 1, 2) for t in (q, k, v))
    y, _ = scaled_dot_product_attention(q, k, v, causal_mask(T) if causal else None)
    y = y.permute(0, 2, 3, 1).reshape(B, T, C)
    return y @ c_proj_weight.T + c_proj_bias
