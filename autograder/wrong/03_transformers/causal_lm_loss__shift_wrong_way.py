def causal_lm_loss(logits: torch.Tensor, input_ids: torch.Tensor,
                   attention_mask: torch.Tensor | None = None) -> torch.Tensor:
    """Mistake: shifts the wrong way: logits[:, 1:] against input_ids[:, :-1]."""
    V = logits.size(-1)
    targets = input_ids[:, :-1]
    if attention_mask is not None:
        targets = targets.masked_fill(attention_mask[:, :-1] == 0, -100)
    return F.cross_entropy(logits[:, 1:].reshape(-1, V).float(), targets.reshape(-1),
                           ignore_index=-100)
