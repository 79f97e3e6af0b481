def int8_matmul(x: torch.Tensor, weight: torch.Tensor, threshold: float = 6.0) -> torch.Tensor:
    """Mistake: lets bitsandbytes' int8_vectorwise_quant find the outliers and make the codes
    (forbidden; it also counts |x| >= threshold and keeps other scales)."""
    import bitsandbytes.functional as bnbf

    a = x.reshape(-1, x.shape[-1]).float()
    w = weight.float()
    qx, sx, cols = bnbf.int8_vectorwise_quant(a.clone(), threshold=threshold)
    qw, sw, _ = bnbf.int8_vectorwise_quant(w.clone())
    y = (qx.int() @ qw.int().T).float() * (sx[:, None] * sw[None, :]) / (127 * 127)
    if cols is not None and cols.numel():
        y = y + a[:, cols] @ w[:, cols].T
    return y.reshape(*x.shape[:-1], w.shape[0]).to(x.dtype)
