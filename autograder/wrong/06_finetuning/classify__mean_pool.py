def classify(backbone: torch.nn.Module, head: torch.nn.Module, input_ids: torch.Tensor,
             attention_mask: torch.Tensor,
             labels: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Mistake: averages the hidden states of the real tokens instead of taking the last one."""
    hidden = backbone(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    weights = attention_mask.unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * weights).sum(dim=1) / weights.sum(dim=1)
    logits = head(pooled)
    loss = F.cross_entropy(logits, labels) if labels is not None else None
    return logits, loss
