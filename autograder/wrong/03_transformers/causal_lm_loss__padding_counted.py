def causal_lm_loss(logits: torch.Tensor, input_ids: torch.Tensor,
                   attention_mask: torch.Tensor | None = None) -> torch.Tensor:
    """Mistake: ignores attention_mask, so predictions of padding tokens count too."""
    V = logits.size(-1)
    targets = input_ids[:, 1:]
    return F.cross_entropy(logits[:, :-1].reshape(-1, V).float(), targets.reshape(-1))
