def nf4_code() -> torch.Tensor:
    """Mistake: puts the extra level on the negative side (8 negative, 7 positive)."""
    offset = 0.9677083
    normal = torch.distributions.Normal(0.0, 1.0)
    pos = normal.icdf(torch.linspace(offset, 0.5, 8)[:-1])
    neg = -normal.icdf(torch.linspace(offset, 0.5, 9)[:-1])
    levels = torch.cat([neg, torch.zeros(1), pos]).sort().values
    return levels / levels.abs().max()
