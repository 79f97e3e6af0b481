def absmax_quantize(x: torch.Tensor, bits: int = 8,
                    dim: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: always uses one scale for the whole tensor, even when dim is given."""
    x = x.float()  # computed in float32, as specified
    qmax = 2 ** (bits - 1) - 1
    scale = x.abs().amax() / qmax
    scale = torch.where(scale == 0, torch.ones_like(scale), scale)
    q = torch.clamp(torch.round(x / scale), -qmax, qmax)
    return q.to(torch.int8), scale
