def perplexity(probs: torch.Tensor, ids: torch.Tensor) -> float:
    """Correct alternative: logs of the whole matrix in float32, then torch.gather of the
    observed next tokens, and .item()."""
    logp = probs.log()[ids[:-1]]                      # (N-1, V): the rows of the contexts
    picked = logp.gather(1, ids[1:, None]).squeeze(1)
    return torch.exp(-picked.sum() / (ids.numel() - 1)).item()
