def apply_rope(x: torch.Tensor, positions: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    """Correct alternative: each pair (x_i, x_{i+d/2}) as the complex number x_i + j x_{i+d/2},
    multiplied by exp(j p theta_i)."""
    d = x.shape[-1]
    theta = 1.0 / (base ** (torch.arange(d // 2, dtype=torch.float64) * 2 / d))
    p = positions.to(torch.float64)
    if p.dim() == 2:
        p = p[:, None, :]
    rot = torch.polar(torch.ones_like(p[..., None] * theta), p[..., None] * theta)
    z = torch.complex(x[..., : d // 2].double(), x[..., d // 2:].double()) * rot
    return torch.cat([z.real, z.imag], dim=-1).to(x.dtype)
