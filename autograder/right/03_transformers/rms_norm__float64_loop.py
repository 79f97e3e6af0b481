def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float = 1e-6) -> torch.Tensor:
    """Correct alternative: computes in float64 over a flat list of rows, then restores the
    shape and the input's dtype."""
    rows = x.reshape(-1, x.shape[-1]).double()
    out = []
    for row in rows:
        out.append(row / (row.pow(2).sum() / row.numel() + eps) ** 0.5)
    return (torch.stack(out) * weight.double()).reshape(x.shape).to(x.dtype)
