def perplexity(model: torch.nn.Module, batches: list[dict[str, torch.Tensor]]) -> float:
    """Mistake: weights each batch's mean loss by its number of counted tokens, but a batch with
    no counted token has loss NaN (0 / 0), and NaN * 0 is NaN."""
    total_nll, total_tokens = 0.0, 0
    with torch.no_grad():
        for batch in batches:
            n = int((batch["labels"][:, 1:] != -100).sum())
            total_nll += float(model(**batch).loss) * n
            total_tokens += n
    return math.exp(total_nll / total_tokens)
