def classify(backbone: torch.nn.Module, head: torch.nn.Module, input_ids: torch.Tensor,
             attention_mask: torch.Tensor,
             labels: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Mistake: finds the last real token as the last id that differs from the pad id (as
    GPT2ForSequenceClassification does), so a real token with the pad id is skipped."""
    hidden = backbone(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    pad = backbone.config.pad_token_id
    positions = torch.arange(input_ids.shape[1], device=input_ids.device)
    last = (positions * (input_ids != pad)).argmax(dim=1)
    pooled = hidden[torch.arange(input_ids.shape[0], device=input_ids.device), last]
    logits = head(pooled)
    loss = F.cross_entropy(logits, labels) if labels is not None else None
    return logits, loss
