def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """Mistake: subtracts the mean first, as LayerNorm does (LayerNorm without its bias)."""
    xc = x - x.mean(dim=-1, keepdim=True)
    return xc * torch.rsqrt(xc.pow(2).mean(dim=-1, keepdim=True) + eps) * weight
