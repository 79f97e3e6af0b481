def classify(backbone: torch.nn.Module, head: torch.nn.Module, input_ids: torch.Tensor,
             attention_mask: torch.Tensor,
             labels: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Mistake: pools the first token (BERT's [CLS] habit), which in a decoder has seen nothing else."""
    hidden = backbone(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    logits = head(hidden[:, 0])
    loss = F.cross_entropy(logits, labels) if labels is not None else None
    return logits, loss
