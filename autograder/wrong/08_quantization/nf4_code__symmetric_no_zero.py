def nf4_code() -> torch.Tensor:
    """Mistake: 16 quantiles spread symmetrically over [1 - offset, offset]: no level is exactly 0."""
    normal = torch.distributions.Normal(0.0, 1.0)
    p = torch.linspace(1 - 0.9677083, 0.9677083, 16)
    levels = normal.icdf(p)
    return (levels / levels.max()).float()
