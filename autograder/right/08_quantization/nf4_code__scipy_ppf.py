def nf4_code() -> torch.Tensor:
    """Correct alternative: scipy.stats.norm.ppf in float64 on float64 probabilities (within about 1e-7 of bitsandbytes' table)."""
    from scipy.stats import norm

    offset = 0.9677083
    positive = norm.ppf(torch.linspace(offset, 0.5, 9, dtype=torch.float64)[:-1].numpy())
    negative = -norm.ppf(torch.linspace(offset, 0.5, 8, dtype=torch.float64)[:-1].numpy())
    values = sorted(list(negative) + [0.0] + list(positive))
    top = max(values)
    return torch.tensor([v / top for v in values], dtype=torch.float32)
