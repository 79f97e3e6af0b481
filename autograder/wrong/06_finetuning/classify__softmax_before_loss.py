def classify(backbone: torch.nn.Module, head: torch.nn.Module, input_ids: torch.Tensor,
             attention_mask: torch.Tensor,
             labels: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Mistake: applies a softmax before F.cross_entropy, which applies its own (log-)softmax."""
    hidden = backbone(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    positions = torch.arange(input_ids.shape[1])
    last = (positions * attention_mask).argmax(dim=1)
    pooled = hidden[torch.arange(input_ids.shape[0]), last]
    logits = head(pooled)
    loss = F.cross_entropy(logits.softmax(dim=-1), labels) if labels is not None else None
    return logits, loss
