def int8_dynamic_linear(x: torch.Tensor, weight: torch.Tensor,
                        bias: torch.Tensor | None = None) -> torch.Tensor:
    """Mistake: .long() truncates towards zero instead of rounding to the nearest code."""
    s_w = torch.clamp(weight.abs().max() / 127.5, min=torch.finfo(torch.float32).eps)
    Q = torch.clamp((weight / s_w).long(), -128, 127)
    lo, hi = torch.clamp(x.min(), max=0), torch.clamp(x.max(), min=0)
    s_x = (hi - lo) / 127
    if s_x == 0:
        s_x = torch.tensor(0.1)
    z = (-lo / s_x).long()
    u = torch.clamp((x / s_x).long() + z, 0, 255)
    y = s_x * s_w * ((u - z) @ Q.T).float()
    return y if bias is None else y + bias
