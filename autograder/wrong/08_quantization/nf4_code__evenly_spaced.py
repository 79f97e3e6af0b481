def nf4_code() -> torch.Tensor:
    """Mistake: 16 evenly spaced levels (an int4 grid) instead of normal quantiles."""
    levels = torch.cat([torch.arange(-7, 0) / 7, torch.zeros(1), torch.arange(1, 9) / 8])
    return levels.float()
