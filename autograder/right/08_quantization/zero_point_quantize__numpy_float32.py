def zero_point_quantize(x: torch.Tensor, bits: int = 8) -> tuple[torch.Tensor, float, int]:
    """Correct alternative: the same float32 arithmetic in numpy, rounding the shifted value round(x / scale + zero_point) (equal away from exact ties)."""
    import numpy as np

    v = x.detach().float().numpy()
    qmax = 2 ** bits - 1
    lo = np.float32(min(v.min(), 0.0))
    hi = np.float32(max(v.max(), 0.0))
    scale = np.float32(max(np.float32(hi - lo) / np.float32(qmax), np.finfo(np.float32).eps))
    zero_point = int(np.clip(-np.rint(lo / scale), 0, qmax))
    q = np.clip(np.rint(v / scale + np.float32(zero_point)), 0, qmax).astype(np.uint8)
    return torch.from_numpy(q), float(scale), zero_point
