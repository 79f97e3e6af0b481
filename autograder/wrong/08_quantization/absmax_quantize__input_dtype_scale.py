def absmax_quantize(x: torch.Tensor, bits: int = 8,
                    dim: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: computes in the dtype of x (a float16 scale and float16 division for a float16 input) instead of float32."""
    qmax = 2 ** (bits - 1) - 1
    peak = x.abs().amax() if dim is None else x.abs().amax(dim=dim, keepdim=True)
    scale = peak / qmax
    scale = torch.where(scale == 0, torch.ones_like(scale), scale)
    q = torch.clamp(torch.round(x / scale), -qmax, qmax)
    return q.to(torch.int8), scale
