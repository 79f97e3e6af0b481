def absmax_quantize(x: torch.Tensor, bits: int = 8,
                    dim: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: makes the codes with floor instead of rounding to the nearest integer."""
    x = x.float()  # computed in float32, as specified
    qmax = 2 ** (bits - 1) - 1
    peak = x.abs().amax() if dim is None else x.abs().amax(dim=dim, keepdim=True)
    scale = peak / qmax
    scale = torch.where(scale == 0, torch.ones_like(scale), scale)
    q = torch.clamp(torch.floor(x / scale), -qmax, qmax)
    return q.to(torch.int8), scale
