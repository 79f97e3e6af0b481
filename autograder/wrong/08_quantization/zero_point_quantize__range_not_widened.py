def zero_point_quantize(x: torch.Tensor, bits: int = 8) -> tuple[torch.Tensor, float, int]:
    """Mistake: uses [x.min(), x.max()] as the range without widening it to contain 0."""
    v = x.float()
    qmax = 2 ** bits - 1
    lo, hi = v.min(), v.max()
    scale = torch.clamp((hi - lo) / qmax, min=torch.finfo(torch.float32).eps)
    zero_point = int(torch.clamp(-torch.round(lo / scale), 0, qmax))
    q = torch.clamp(torch.round(v / scale) + zero_point, 0, qmax).to(torch.uint8)
    return q, float(scale), zero_point
