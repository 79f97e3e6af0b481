def int8_dynamic_linear(x: torch.Tensor, weight: torch.Tensor,
                        bias: torch.Tensor | None = None) -> torch.Tensor:
    """Mistake: the input's range is its own min and max, not widened to contain 0: an
    all-positive input then gets another scale, and 0 is no longer exact."""
    s_w = torch.clamp(weight.abs().max() / 127.5, min=torch.finfo(torch.float32).eps)
    Q = torch.clamp(torch.round(weight / s_w), -128, 127).long()
    lo, hi = x.min(), x.max()
    s_x = (hi - lo) / 127
    if s_x == 0:
        s_x = torch.tensor(0.1)
    z = torch.round(-lo / s_x).long()
    u = torch.clamp(torch.round(x / s_x).long() + z, 0, 255)
    y = s_x * s_w * ((u - z) @ Q.T).float()
    return y if bias is None else y + bias
