_PE_CACHE = {}


def sinusoidal_positions(n_positions: int, d_model: int) -> torch.Tensor:
    """Mistake: precomputes a table for max_len = 5000 positions (as nn.Module versions do) and
    slices it, so a longer sequence gets only 5000 rows."""
    if d_model not in _PE_CACHE:
        pos = torch.arange(5000, dtype=torch.float64)[:, None]
        freq = 10000.0 ** (-torch.arange(0, d_model, 2, dtype=torch.float64) / d_model)
        pe = torch.empty(5000, d_model, dtype=torch.float64)
        pe[:, 0::2] = torch.sin(pos * freq)
        pe[:, 1::2] = torch.cos(pos * freq)
        _PE_CACHE[d_model] = pe.float()
    return _PE_CACHE[d_model][:n_positions]
