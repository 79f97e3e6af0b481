def apply_rope(x: torch.Tensor, positions: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    """Mistake: the RoPE paper's interleaved layout, pairs (x_{2i}, x_{2i+1}), instead of
    Llama's rotate-half layout (x_i, x_{i+d/2})."""
    d = x.shape[-1]
    inv_freq = base ** (-torch.arange(0, d, 2, dtype=torch.float32) / d)
    angles = positions.float()[..., None] * inv_freq
    if angles.dim() == 3:
        angles = angles[:, None]
    cos, sin = angles.cos().to(x.dtype), angles.sin().to(x.dtype)
    xe, xo = x[..., 0::2], x[..., 1::2]
    return torch.stack([xe * cos - xo * sin, xo * cos + xe * sin], dim=-1).flatten(-2)
