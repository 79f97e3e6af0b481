def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """Mistake: detaches the root mean square, so the gradient treats it as a constant."""
    rms = (x.pow(2).mean(dim=-1, keepdim=True) + eps).sqrt().detach()
    return x / rms * weight
