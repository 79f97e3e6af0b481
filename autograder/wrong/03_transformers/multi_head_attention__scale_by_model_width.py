def multi_head_attention(x: torch.Tensor, c_attn_weight: torch.Tensor,
                         c_attn_bias: torch.Tensor, c_proj_weight: torch.Tensor,
                         c_proj_bias: torch.Tensor, n_head: int,
                         causal: bool = True) -> torch.Tensor:
    """Mistake: scales the scores by 1/sqrt(C), the model width, instead of 1/sqrt(head size)."""
    B, T, C = x.shape
    hs = C // n_head
    q, k, v = (x @ c_attn_weight.T + c_attn_bias).split(C, dim=-1)
    q, k, v = (t.reshape(B, T, n_head, hs).transpose(1, 2) for t in (q, k, v))
    scores = q @ k.transpose(-2, -1) / math.sqrt(C)
    if causal:
        scores = scores.masked_fill(~causal_mask(T), float("-inf"))
    y = torch.softmax(scores, dim=-1) @ v
    y = y.transpose(1, 2).reshape(B, T, C)
    return y @ c_proj_weight.T + c_proj_bias
