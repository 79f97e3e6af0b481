def causal_lm_loss(logits: torch.Tensor, input_ids: torch.Tensor,
                   attention_mask: torch.Tensor | None = None) -> torch.Tensor:
    """Correct alternative: flattens the shifted pairs, keeps the counted ones with a boolean
    index, then logsumexp minus the target logit in float64."""
    V = logits.shape[-1]
    pred = logits[:, :-1].reshape(-1, V).double()
    tgt = input_ids[:, 1:].reshape(-1)
    if attention_mask is not None:
        keep = attention_mask[:, 1:].reshape(-1).bool()
        pred, tgt = pred[keep], tgt[keep]
    nll = pred.logsumexp(-1) - pred[torch.arange(len(tgt)), tgt]
    return nll.mean().float()
