def absmax_quantize(x: torch.Tensor, bits: int = 8,
                    dim: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: rounds halves away from zero (as school rounding does) instead of to the even integer like torch.round."""
    x = x.float()  # computed in float32, as specified
    qmax = 2 ** (bits - 1) - 1
    peak = x.abs().amax() if dim is None else x.abs().amax(dim=dim, keepdim=True)
    scale = peak / qmax
    scale = torch.where(scale == 0, torch.ones_like(scale), scale)
    v = x / scale
    q = torch.sign(v) * torch.floor(v.abs() + 0.5)
    return torch.clamp(q, -qmax, qmax).to(torch.int8), scale
