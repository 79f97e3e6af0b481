def zero_point_quantize(x: torch.Tensor, bits: int = 8) -> tuple[torch.Tensor, float, int]:
    """Mistake: divides the range into 2**bits steps (256 for 8 bits) instead of 2**bits - 1."""
    v = x.float()
    qmax = 2 ** bits - 1
    lo = torch.clamp(v.min(), max=0.0)
    hi = torch.clamp(v.max(), min=0.0)
    scale = torch.clamp((hi - lo) / 2 ** bits, min=torch.finfo(torch.float32).eps)
    zero_point = int(torch.clamp(-torch.round(lo / scale), 0, qmax))
    q = torch.clamp(torch.round(v / scale) + zero_point, 0, qmax).to(torch.uint8)
    return q, float(scale), zero_point
