def sinusoidal_positions(n_positions: int, d_model: int) -> torch.Tensor:
    """Correct alternative: angles as an outer product, sin and cos stacked on a new last axis
    and flattened, which interleaves them column by column."""
    i = torch.arange(d_model // 2, dtype=torch.float64)
    inv_freq = 1.0 / torch.pow(10000.0, 2 * i / d_model)
    angles = torch.outer(torch.arange(n_positions, dtype=torch.float64), inv_freq)
    return torch.stack([angles.sin(), angles.cos()], dim=-1).flatten(1).to(torch.float32)
