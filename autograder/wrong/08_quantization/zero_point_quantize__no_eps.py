def zero_point_quantize(x: torch.Tensor, bits: int = 8) -> tuple[torch.Tensor, float, int]:
    """Mistake: does not bound the scale below by eps, so a constant or all-zero tensor divides by zero."""
    v = x.float()
    qmax = 2 ** bits - 1
    lo = torch.clamp(v.min(), max=0.0)
    hi = torch.clamp(v.max(), min=0.0)
    scale = (hi - lo) / qmax
    zero_point = int(torch.clamp(-torch.round(lo / scale), 0, qmax))
    q = torch.clamp(torch.round(v / scale) + zero_point, 0, qmax).to(torch.uint8)
    return q, float(scale), zero_point
