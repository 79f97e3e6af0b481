def perplexity(model: torch.nn.Module, batches: list[dict[str, torch.Tensor]]) -> float:
    """Mistake: the mean of the per-batch perplexities, not the perplexity of the whole set."""
    values = []
    with torch.no_grad():
        for batch in batches:
            logits = model(input_ids=batch["input_ids"],
                           attention_mask=batch["attention_mask"]).logits
            logits, targets = logits[:, :-1], batch["labels"][:, 1:]
            nll = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1),
                                  ignore_index=-100)
            values.append(math.exp(float(nll)))
    return sum(values) / len(values)
