def multi_head_attention(x: torch.Tensor, c_attn_weight: torch.Tensor,
                         c_attn_bias: torch.Tensor, c_proj_weight: torch.Tensor,
                         c_proj_bias: torch.Tensor, n_head: int,
                         causal: bool = True) -> torch.Tensor:
    """Mistake: loads the weights into torch.nn.MultiheadAttention (off limits in this task)."""
    B, T, C = x.shape
    layer = torch.nn.MultiheadAttention(C, n_head, batch_first=True)
    with torch.no_grad():
        layer.in_proj_weight.copy_(c_attn_weight)
        layer.in_proj_bias.copy_(c_attn_bias)
        layer.out_proj.weight.copy_(c_proj_weight)
        layer.out_proj.bias.copy_(c_proj_bias)
        blocked = ~causal_mask(T) if causal else None
        return layer(x, x, x, attn_mask=blocked, need_weights=False)[0]
