def classify(backbone: torch.nn.Module, head: torch.nn.Module, input_ids: torch.Tensor,
             attention_mask: torch.Tensor,
             labels: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Correct alternative: the last real position is T - 1 minus the index of the first 1 of the
    reversed mask; pooling with gather; the loss by an explicit log_softmax and NLL."""
    hidden = backbone(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
    T = attention_mask.shape[1]
    last = (T - 1) - attention_mask.flip(dims=[1]).long().argmax(dim=1)
    index = last[:, None, None].expand(-1, 1, hidden.shape[-1])
    logits = head(hidden.gather(1, index)[:, 0])
    if labels is None:
        return logits, None
    logp = logits - torch.logsumexp(logits, dim=-1, keepdim=True)
    loss = -logp.gather(1, labels[:, None].long())[:, 0].mean()
    return logits, loss
