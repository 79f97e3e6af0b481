def absmax_quantize(x: torch.Tensor, bits: int = 8,
                    dim: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: lets torch.quantize_per_tensor / quantize_per_channel make the codes (forbidden)."""
    qmax = 2 ** (bits - 1) - 1
    peak = x.abs().amax() if dim is None else x.abs().amax(dim=dim, keepdim=True)
    scale = peak / qmax
    scale = torch.where(scale == 0, torch.ones_like(scale), scale)
    if dim is None:
        q = torch.quantize_per_tensor(x.float(), float(scale), 0, torch.qint8).int_repr()
    else:
        q = torch.round(x / scale)
    return torch.clamp(q, -qmax, qmax).to(torch.int8), scale
