def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """Correct alternative: the root mean square from the Euclidean norm, ||x|| / sqrt(d)."""
    d = x.shape[-1]
    norm = torch.linalg.vector_norm(x, dim=-1, keepdim=True)
    return weight * (x / torch.sqrt(norm * norm / d + eps))
