def zero_point_quantize(x: torch.Tensor, bits: int = 8) -> tuple[torch.Tensor, float, int]:
    """Mistake: returns the codes as int64 instead of uint8."""
    v = x.float()
    qmax = 2 ** bits - 1
    lo = torch.clamp(v.min(), max=0.0)
    hi = torch.clamp(v.max(), min=0.0)
    scale = torch.clamp((hi - lo) / qmax, min=torch.finfo(torch.float32).eps)
    zero_point = int(torch.clamp(-torch.round(lo / scale), 0, qmax))
    q = torch.clamp(torch.round(v / scale) + zero_point, 0, qmax).long()
    return q, float(scale), zero_point
