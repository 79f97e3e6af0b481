def perplexity(model: torch.nn.Module, batches: list[dict[str, torch.Tensor]]) -> float:
    """Correct alternative: float64 log-softmax, gather the target log-probabilities, mask."""
    nll, count = torch.zeros((), dtype=torch.float64), 0
    with torch.no_grad():
        for batch in batches:
            logits = model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).logits
            logp = torch.log_softmax(logits[:, :-1].double(), dim=-1)
            target = batch["labels"][:, 1:]
            counted = target != -100
            picked = logp.gather(-1, target.clamp(min=0)[..., None])[..., 0]
            nll = nll - (picked * counted).sum()
            count += int(counted.sum())
    return float(torch.exp(nll / count))
