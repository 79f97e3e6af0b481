def classify(backbone: torch.nn.Module, head: torch.nn.Module, input_ids: torch.Tensor,
             attention_mask: torch.Tensor,
             labels: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Mistake: runs the backbone without the attention mask, so real tokens attend to left padding."""
    hidden = backbone(input_ids=input_ids).last_hidden_state
    positions = torch.arange(input_ids.shape[1])
    last = (positions * attention_mask).argmax(dim=1)
    pooled = hidden[torch.arange(input_ids.shape[0]), last]
    logits = head(pooled)
    loss = F.cross_entropy(logits, labels) if labels is not None else None
    return logits, loss
