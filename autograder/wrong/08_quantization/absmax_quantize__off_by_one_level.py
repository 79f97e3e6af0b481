def absmax_quantize(x: torch.Tensor, bits: int = 8,
                    dim: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: divides the absmax by 2**(bits - 1) (128 levels for 8 bits) instead of 2**(bits - 1) - 1."""
    x = x.float()  # computed in float32, as specified
    levels = 2 ** (bits - 1)
    peak = x.abs().amax() if dim is None else x.abs().amax(dim=dim, keepdim=True)
    scale = peak / levels
    scale = torch.where(scale == 0, torch.ones_like(scale), scale)
    q = torch.clamp(torch.round(x / scale), -levels, levels - 1)
    return q.to(torch.int8), scale
