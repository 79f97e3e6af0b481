def int8_matmul(x: torch.Tensor, weight: torch.Tensor, threshold: float = 6.0) -> torch.Tensor:
    """Mistake: makes the codes with floor instead of rounding."""
    a = x.reshape(-1, x.shape[-1]).float()
    w = weight.float()
    outlier = (a.abs() > threshold).any(dim=0)
    keep = ~outlier
    y = torch.zeros(a.shape[0], w.shape[0])
    if keep.any():
        xs, ws = a[:, keep], w[:, keep]
        sx = xs.abs().amax(dim=1, keepdim=True) / 127
        sw = ws.abs().amax(dim=1, keepdim=True) / 127
        sx = torch.where(sx == 0, torch.ones_like(sx), sx)
        sw = torch.where(sw == 0, torch.ones_like(sw), sw)
        qx = torch.floor(xs / sx).clamp(-127, 127).to(torch.int8)
        qw = torch.floor(ws / sw).clamp(-127, 127).to(torch.int8)
        y = (qx.to(torch.int32) @ qw.to(torch.int32).T).float() * (sx * sw.T)
    if outlier.any():
        y = y + a[:, outlier] @ w[:, outlier].T
    return y.reshape(*x.shape[:-1], w.shape[0]).to(x.dtype)
