def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """Mistake: adds eps to the root mean square instead of the mean square."""
    rms = x.pow(2).mean(dim=-1, keepdim=True).sqrt()
    return x / (rms + eps) * weight
