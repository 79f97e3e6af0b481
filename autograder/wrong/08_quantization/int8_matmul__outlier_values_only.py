def int8_matmul(x: torch.Tensor, weight: torch.Tensor, threshold: float = 6.0) -> torch.Tensor:
    """Mistake: keeps only the outlier VALUES in floating point and quantizes the rest of their columns, instead of moving whole columns."""
    a = x.reshape(-1, x.shape[-1]).float()
    w = weight.float()
    big = a.abs() > threshold
    rest = a.masked_fill(big, 0.0)
    sx = rest.abs().amax(dim=1, keepdim=True) / 127
    sw = w.abs().amax(dim=1, keepdim=True) / 127
    sx = torch.where(sx == 0, torch.ones_like(sx), sx)
    sw = torch.where(sw == 0, torch.ones_like(sw), sw)
    qx = torch.round(rest / sx).clamp(-127, 127).to(torch.int32)
    qw = torch.round(w / sw).clamp(-127, 127).to(torch.int32)
    y = (qx @ qw.T).float() * (sx * sw.T) + (a * big) @ w.T
    return y.reshape(*x.shape[:-1], w.shape[0]).to(x.dtype)
