def sinusoidal_positions(n_positions: int, d_model: int) -> torch.Tensor:
    """Mistake: the exponent is i / d_model (i = the pair index) instead of 2i / d_model."""
    pos = torch.arange(n_positions, dtype=torch.float64)[:, None]
    freq = 10000.0 ** (-torch.arange(d_model // 2, dtype=torch.float64) / d_model)
    pe = torch.empty(n_positions, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(pos * freq)
    pe[:, 1::2] = torch.cos(pos * freq)
    return pe.float()
