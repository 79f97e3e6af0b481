def nf4_code() -> torch.Tensor:
    """Mistake: uses the offset 1 - 1/(2 * 16) = 0.96875 (the centre of the last of 16 equal bins) instead of bitsandbytes' 0.9677083."""
    offset = 1 - 1 / 32
    normal = torch.distributions.Normal(0.0, 1.0)
    pos = normal.icdf(torch.linspace(offset, 0.5, 9)[:-1])
    neg = -normal.icdf(torch.linspace(offset, 0.5, 8)[:-1])
    levels = torch.cat([neg, torch.zeros(1), pos]).sort().values
    return levels / levels.max()
