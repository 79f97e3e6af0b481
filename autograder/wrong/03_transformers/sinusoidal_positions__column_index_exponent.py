def sinusoidal_positions(n_positions: int, d_model: int) -> torch.Tensor:
    """Mistake: every column j uses 10000^(j / d_model), so a cosine column gets a different
    frequency from the sine column next to it."""
    pos = torch.arange(n_positions, dtype=torch.float64)[:, None]
    freq = 10000.0 ** (-torch.arange(d_model, dtype=torch.float64) / d_model)
    angle = pos * freq
    pe = torch.empty(n_positions, d_model, dtype=torch.float64)
    pe[:, 0::2] = torch.sin(angle[:, 0::2])
    pe[:, 1::2] = torch.cos(angle[:, 1::2])
    return pe.float()
