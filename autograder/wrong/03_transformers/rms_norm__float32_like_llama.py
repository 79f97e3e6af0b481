def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """Mistake: copies Llama's float32 computation and returns float32 for a float64 input."""
    h = x.to(torch.float32)
    return weight.to(torch.float32) * (h * torch.rsqrt(h.pow(2).mean(-1, keepdim=True) + eps))
