def perplexity(model: torch.nn.Module, batches: list[dict[str, torch.Tensor]]) -> float:
    """Mistake: scores the logits at t against the label at t (the token the model already saw)."""
    total_nll, total_tokens = 0.0, 0
    with torch.no_grad():
        for batch in batches:
            logits = model(input_ids=batch["input_ids"],
                           attention_mask=batch["attention_mask"]).logits
            targets = batch["labels"]
            nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                                  ignore_index=-100, reduction="sum")
            total_nll += float(nll)
            total_tokens += int((targets != -100).sum())
    return math.exp(total_nll / total_tokens)
