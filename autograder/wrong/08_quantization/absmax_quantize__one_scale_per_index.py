def absmax_quantize(x: torch.Tensor, bits: int = 8,
                    dim: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: reads dim as the axis that KEEPS its size (one scale per index of dim, as quantize_per_channel's axis) instead of reducing along dim."""
    x = x.float()  # computed in float32, as specified
    qmax = 2 ** (bits - 1) - 1
    if dim is None:
        peak = x.abs().amax()
    else:
        others = [d for d in range(x.dim()) if d != dim % x.dim()]
        peak = x.abs().amax(dim=others, keepdim=True) if others else x.abs()
    scale = peak / qmax
    scale = torch.where(scale == 0, torch.ones_like(scale), scale)
    q = torch.clamp(torch.round(x / scale), -qmax, qmax)
    return q.to(torch.int8), scale
