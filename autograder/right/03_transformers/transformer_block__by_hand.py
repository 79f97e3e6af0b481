def transformer_block(x: torch.Tensor, params: dict[str, torch.Tensor],
                      n_head: int) -> torch.Tensor:
    """Correct alternative: LayerNorm, masked softmax attention and the tanh GELU written out
    with elementary operations."""
    import math

    B, T, C = x.shape
    p = params
    hs = C // n_head

    def layer_norm(z, name):
        mu = z.mean(-1, keepdim=True)
        var = ((z - mu) ** 2).mean(-1, keepdim=True)
        return (z - mu) / torch.sqrt(var + 1e-5) * p[name + ".weight"] + p[name + ".bias"]

    qkv = layer_norm(x, "ln_1") @ p["attn.c_attn.weight"].T + p["attn.c_attn.bias"]
    q, k, v = qkv[..., :C], qkv[..., C:2 * C], qkv[..., 2 * C:]
    q, k, v = (t.reshape(B, T, n_head, hs).permute(0, 2, 1, 3) for t in (q, k, v))
    s = q @ k.transpose(-1, -2) / math.sqrt(hs)
    future = torch.arange(T)[None, :] > torch.arange(T)[:, None]   # key after query
    w = torch.softmax(s.masked_fill(future, float("-inf")), dim=-1)
    a = (w @ v).permute(0, 2, 1, 3).reshape(B, T, C)
    x = x + a @ p["attn.c_proj.weight"].T + p["attn.c_proj.bias"]
    z = layer_norm(x, "ln_2") @ p["mlp.c_fc.weight"].T + p["mlp.c_fc.bias"]
    z = 0.5 * z * (1 + torch.tanh(math.sqrt(2 / math.pi) * (z + 0.044715 * z ** 3)))
    return x + z @ p["mlp.c_proj.weight"].T + p["mlp.c_proj.bias"]
