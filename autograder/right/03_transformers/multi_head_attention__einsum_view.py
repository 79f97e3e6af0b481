def multi_head_attention(x: torch.Tensor, c_attn_weight: torch.Tensor,
                         c_attn_bias: torch.Tensor, c_proj_weight: torch.Tensor,
                         c_proj_bias: torch.Tensor, n_head: int,
                         causal: bool = True) -> torch.Tensor:
    """Correct alternative: splits the packed weight itself (three separate projections), keeps
    heads as an extra axis (B, T, H, hs) and contracts with einsum, no transposes."""
    B, T, C = x.shape
    hs = C // n_head
    Wq, Wk, Wv = c_attn_weight.chunk(3, dim=0)
    bq, bk, bv = c_attn_bias.chunk(3, dim=0)
    q = (x @ Wq.T + bq).view(B, T, n_head, hs)
    k = (x @ Wk.T + bk).view(B, T, n_head, hs)
    v = (x @ Wv.T + bv).view(B, T, n_head, hs)
    s = torch.einsum("bthd,bshd->bhts", q, k) / hs ** 0.5
    if causal:
        s = s.masked_fill(torch.triu(torch.ones(T, T, dtype=torch.bool), 1), float("-inf"))
    y = torch.einsum("bhts,bshd->bthd", s.softmax(-1), v).reshape(B, T, C)
    return y @ c_proj_weight.T + c_proj_bias
