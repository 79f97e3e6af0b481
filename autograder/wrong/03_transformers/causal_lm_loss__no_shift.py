def causal_lm_loss(logits: torch.Tensor, input_ids: torch.Tensor,
                   attention_mask: torch.Tensor | None = None) -> torch.Tensor:
    """Mistake: scores logits[:, t] against input_ids[:, t], the token the model already read."""
    V = logits.size(-1)
    targets = input_ids
    if attention_mask is not None:
        targets = targets.masked_fill(attention_mask == 0, -100)
    return F.cross_entropy(logits.reshape(-1, V).float(), targets.reshape(-1), ignore_index=-100)
