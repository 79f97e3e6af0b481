def absmax_quantize(x: torch.Tensor, bits: int = 8,
                    dim: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: divides x by the scale in place (x /= scale), changing the caller's tensor."""
    x = x.float()  # computed in float32, as specified
    qmax = 2 ** (bits - 1) - 1
    peak = x.abs().amax() if dim is None else x.abs().amax(dim=dim, keepdim=True)
    scale = peak / qmax
    scale = torch.where(scale == 0, torch.ones_like(scale), scale)
    x /= scale
    return torch.clamp(torch.round(x), -qmax, qmax).to(torch.int8), scale
