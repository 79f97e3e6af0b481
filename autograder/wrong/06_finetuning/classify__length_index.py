def classify(backbone: torch.nn.Module, head: torch.nn.Module, input_ids: torch.Tensor,
             attention_mask: torch.Tensor,
             labels: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Mistake: takes position (number of real tokens - 1), which is right only for right padding."""
    hidden = backbone(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    last = attention_mask.sum(dim=1) - 1
    pooled = hidden[torch.arange(input_ids.shape[0]), last]
    logits = head(pooled)
    loss = F.cross_entropy(logits, labels) if labels is not None else None
    return logits, loss
