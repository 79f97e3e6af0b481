def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """Mistake: one root mean square for the whole tensor instead of one per token vector."""
    return x * torch.rsqrt(x.pow(2).mean() + eps) * weight
