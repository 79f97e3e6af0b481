def apply_rope(x: torch.Tensor, positions: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    """Mistake: computes the angles but lets transformers' Qwen2 code do the rotation (every
    model's copy of apply_rotary_pos_emb is off limits in this task)."""
    from transformers.models.qwen2.modeling_qwen2 import apply_rotary_pos_emb

    d = x.shape[-1]
    inv_freq = base ** (-torch.arange(0, d, 2, dtype=torch.float64) / d)
    angles = positions.to(torch.float64)[..., None] * inv_freq
    emb = torch.cat([angles, angles], dim=-1)
    if emb.dim() == 2:
        emb = emb[None].expand(x.shape[0], -1, -1)
    cos, sin = emb.cos().to(x.dtype), emb.sin().to(x.dtype)
    rotated, _ = apply_rotary_pos_emb(x, x, cos, sin)
    return rotated
