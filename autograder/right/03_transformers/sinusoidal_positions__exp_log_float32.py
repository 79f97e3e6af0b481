def sinusoidal_positions(n_positions: int, d_model: int) -> torch.Tensor:
    """Correct alternative: the common float32 form with div_term = exp(-ln(10000) * 2i / d)
    (as in the annotated Transformer)."""
    pe = torch.zeros(n_positions, d_model)
    position = torch.arange(n_positions, dtype=torch.float32).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, d_model, 2, dtype=torch.float32)
                         * (-math.log(10000.0) / d_model))
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term)
    return pe
