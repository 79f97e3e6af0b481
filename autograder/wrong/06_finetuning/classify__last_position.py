def classify(backbone: torch.nn.Module, head: torch.nn.Module, input_ids: torch.Tensor,
             attention_mask: torch.Tensor,
             labels: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Mistake: pools the last position of every row, which is padding in right-padded rows."""
    hidden = backbone(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    logits = head(hidden[:, -1])
    loss = F.cross_entropy(logits, labels) if labels is not None else None
    return logits, loss
