def sinusoidal_positions(n_positions: int, d_model: int) -> torch.Tensor:
    """Mistake: all sines in the first half of the columns, all cosines in the second half."""
    pos = torch.arange(n_positions, dtype=torch.float64)[:, None]
    freq = 10000.0 ** (-torch.arange(0, d_model, 2, dtype=torch.float64) / d_model)
    pe = torch.cat([torch.sin(pos * freq), torch.cos(pos * freq)], dim=1)
    return pe.float()
