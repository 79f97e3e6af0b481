def perplexity(model: torch.nn.Module, batches: list[dict[str, torch.Tensor]]) -> float:
    """Mistake: the mean of the perplexities of the single sequences."""
    values = []
    with torch.no_grad():
        for batch in batches:
            logits = model(input_ids=batch["input_ids"],
                           attention_mask=batch["attention_mask"]).logits
            logits, targets = logits[:, :-1], batch["labels"][:, 1:]
            for row in range(logits.shape[0]):
                nll = F.cross_entropy(logits[row], targets[row], ignore_index=-100)
                values.append(math.exp(float(nll)))
    return sum(values) / len(values)
