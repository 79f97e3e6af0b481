def causal_lm_loss(logits: torch.Tensor, input_ids: torch.Tensor,
                   attention_mask: torch.Tensor | None = None) -> torch.Tensor:
    """Mistake: averages each sequence first, then averages the sequences."""
    V = logits.size(-1)
    B = input_ids.size(0)
    nll = F.cross_entropy(logits[:, :-1].reshape(-1, V).float(), input_ids[:, 1:].reshape(-1),
                          reduction="none").reshape(B, -1)
    if attention_mask is None:
        m = torch.ones_like(nll)
    else:
        m = attention_mask[:, 1:].to(nll.dtype)
    return ((nll * m).sum(1) / m.sum(1)).mean()
