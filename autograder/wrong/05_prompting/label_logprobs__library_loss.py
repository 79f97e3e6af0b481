def label_logprobs(model: torch.nn.Module, tokenizer: Any, prompt: str,
                   labels: list[str]) -> torch.Tensor:
    """Mistake: lets the model compute its own loss with labels= (the forbidden shortcut)."""
    prompt_ids = tokenizer.encode(prompt)
    scores = []
    with torch.no_grad():
        for label in labels:
            label_ids = tokenizer.encode(label)
            ids = torch.tensor([prompt_ids + label_ids])
            targets = torch.tensor([[-100] * len(prompt_ids) + label_ids])
            scores.append(-model(ids, labels=targets).loss * len(label_ids))
    return torch.stack(scores)
