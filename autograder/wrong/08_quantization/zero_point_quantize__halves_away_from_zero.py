def zero_point_quantize(x: torch.Tensor, bits: int = 8) -> tuple[torch.Tensor, float, int]:
    """Mistake: rounds halves away from zero (Python's int(v + 0.5) on magnitudes) instead of to the even integer."""
    v = x.float()
    qmax = 2 ** bits - 1
    lo = torch.clamp(v.min(), max=0.0)
    hi = torch.clamp(v.max(), min=0.0)
    scale = torch.clamp((hi - lo) / qmax, min=torch.finfo(torch.float32).eps)
    t = -lo / scale
    zero_point = int(torch.clamp(torch.floor(t + 0.5), 0, qmax))
    u = v / scale
    q = torch.clamp(torch.sign(u) * torch.floor(u.abs() + 0.5) + zero_point, 0, qmax)
    return q.to(torch.uint8), float(scale), zero_point
