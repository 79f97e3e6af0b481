def apply_rope(x: torch.Tensor, positions: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    """Correct alternative: one pair at a time, with float32 angles as Llama computes them."""
    d = x.shape[-1]
    h = d // 2
    pos = positions.float()
    if pos.dim() == 2:
        pos = pos[:, None, :]                 # (B, 1, T): broadcast over the heads
    halves_a, halves_b = [], []
    for i in range(h):
        theta = 1.0 / (base ** (2 * i / d))
        c, s = torch.cos(pos * theta).to(x.dtype), torch.sin(pos * theta).to(x.dtype)
        a, b = x[..., i], x[..., i + h]
        halves_a.append(a * c - b * s)
        halves_b.append(b * c + a * s)
    return torch.stack(halves_a + halves_b, dim=-1)
