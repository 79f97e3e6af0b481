def perplexity(model: torch.nn.Module, batches: list[dict[str, torch.Tensor]]) -> float:
    """Mistake: exp of the mean of the per-batch losses: a small batch weighs as much as a large one."""
    losses = []
    with torch.no_grad():
        for batch in batches:
            losses.append(float(model(**batch).loss))
    return math.exp(sum(losses) / len(losses))
