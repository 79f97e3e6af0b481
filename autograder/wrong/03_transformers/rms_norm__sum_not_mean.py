def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """Mistake: divides by the Euclidean norm sqrt(sum x^2) instead of the root MEAN square."""
    return x * torch.rsqrt(x.pow(2).sum(dim=-1, keepdim=True) + eps) * weight
