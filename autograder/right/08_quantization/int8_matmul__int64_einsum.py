def int8_matmul(x: torch.Tensor, weight: torch.Tensor, threshold: float = 6.0) -> torch.Tensor:
    """Correct alternative: masks instead of column selection, codes summed with an int64 einsum."""
    a = x.reshape(-1, x.shape[-1]).float()
    w = weight.float()
    out_cols = (a.abs() > threshold).any(dim=0).float()
    in_cols = 1.0 - out_cols
    xs, ws = a * in_cols, w * in_cols
    sx = xs.abs().amax(dim=1)
    sw = ws.abs().amax(dim=1)
    sx = torch.where(sx > 0, sx / 127, torch.ones_like(sx))
    sw = torch.where(sw > 0, sw / 127, torch.ones_like(sw))
    qx = torch.round(xs / sx[:, None]).clamp(-127, 127).long()
    qw = torch.round(ws / sw[:, None]).clamp(-127, 127).long()
    acc = torch.einsum("tk,ok->to", qx, qw)
    y = acc.float() * sx[:, None] * sw[None, :] + (a * out_cols) @ w.T
    return y.reshape(*x.shape[:-1], w.shape[0]).to(x.dtype)
