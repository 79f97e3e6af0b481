def perplexity(model: torch.nn.Module, batches: list[dict[str, torch.Tensor]]) -> float:
    """Mistake: divides by every predicted position, including the ignored (-100) ones."""
    total_nll, total_tokens = 0.0, 0
    with torch.no_grad():
        for batch in batches:
            logits = model(input_ids=batch["input_ids"],
                           attention_mask=batch["attention_mask"]).logits
            logits, targets = logits[:, :-1], batch["labels"][:, 1:]
            nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                                  ignore_index=-100, reduction="sum")
            total_nll += float(nll)
            total_tokens += targets.numel()
    return math.exp(total_nll / total_tokens)
