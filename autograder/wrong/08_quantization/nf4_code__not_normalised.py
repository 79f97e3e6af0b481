def nf4_code() -> torch.Tensor:
    """Mistake: returns the raw normal quantiles, without dividing by the largest one."""
    offset = 0.9677083
    normal = torch.distributions.Normal(0.0, 1.0)
    pos = normal.icdf(torch.linspace(offset, 0.5, 9)[:-1])
    neg = -normal.icdf(torch.linspace(offset, 0.5, 8)[:-1])
    return torch.cat([neg, torch.zeros(1), pos]).sort().values
