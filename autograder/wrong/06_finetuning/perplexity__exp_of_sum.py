def perplexity(model: torch.nn.Module, batches: list[dict[str, torch.Tensor]]) -> float:
    """Mistake: exp of the total NLL, not of the mean NLL per token."""
    total_nll = 0.0
    with torch.no_grad():
        for batch in batches:
            logits = model(input_ids=batch["input_ids"],
                           attention_mask=batch["attention_mask"]).logits
            logits, targets = logits[:, :-1], batch["labels"][:, 1:]
            total_nll += float(F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                                               ignore_index=-100, reduction="sum"))
    return math.exp(min(total_nll, 700.0))
