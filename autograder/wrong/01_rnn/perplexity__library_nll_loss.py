def perplexity(probs: torch.Tensor, ids: torch.Tensor) -> float:
    """Forbidden: right value, but through F.nll_loss instead of computing it."""
    return float(torch.exp(F.nll_loss(torch.log(probs)[ids[:-1]], ids[1:])))
