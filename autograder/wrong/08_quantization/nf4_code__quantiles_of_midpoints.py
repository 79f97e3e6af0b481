def nf4_code() -> torch.Tensor:
    """Mistake: takes the quantiles at the centres of 8 and 7 equal-probability bins between 0.5 and the offset, instead of at the evenly spaced points that include the offset."""
    offset = 0.9677083
    normal = torch.distributions.Normal(0.0, 1.0)
    pos_p = 0.5 + (offset - 0.5) * (torch.arange(8) + 0.5) / 8
    neg_p = 0.5 + (offset - 0.5) * (torch.arange(7) + 0.5) / 7
    levels = torch.cat([-normal.icdf(neg_p), torch.zeros(1), normal.icdf(pos_p)]).sort().values
    return levels / levels.max()
