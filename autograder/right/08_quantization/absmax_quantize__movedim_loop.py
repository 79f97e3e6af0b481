def absmax_quantize(x: torch.Tensor, bits: int = 8,
                    dim: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Correct alternative: moves dim to the end and quantizes each slice in a Python loop, with masked_fill for all-zero slices."""
    levels = (1 << (bits - 1)) - 1
    v = x.to(torch.float32)
    if dim is None:
        peak = torch.max(torch.abs(v))
        scale = (peak / levels).masked_fill(peak == 0, 1.0)
        return torch.round(v / scale).clamp(-levels, levels).to(torch.int8), scale
    d = dim % v.dim()
    moved = v.movedim(d, -1)
    codes, scales = [], []
    for row in moved.reshape(-1, moved.shape[-1]):
        peak = row.abs().max()
        s = (peak / levels).masked_fill(peak == 0, 1.0)
        codes.append(torch.round(row / s).clamp(-levels, levels))
        scales.append(s)
    q = torch.stack(codes).reshape(moved.shape).movedim(-1, d).to(torch.int8)
    scale = torch.stack(scales).reshape(*moved.shape[:-1], 1).movedim(-1, d)
    return q, scale
