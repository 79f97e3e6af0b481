def label_logprobs(model: torch.nn.Module, tokenizer: Any, prompt: str,
                   labels: list[str]) -> torch.Tensor:
    """Mistake: averages the label's token log-probabilities instead of summing them."""
    prompt_ids = tokenizer.encode(prompt)
    n = len(prompt_ids)
    scores = []
    with torch.no_grad():
        for label in labels:
            label_ids = tokenizer.encode(label)
            logits = model(torch.tensor([prompt_ids + label_ids])).logits[0].float()
            logprobs = torch.log_softmax(logits, dim=-1)
            positions = torch.arange(n - 1, n - 1 + len(label_ids))
            scores.append(logprobs[positions, torch.tensor(label_ids)].mean())
    return torch.stack(scores)
