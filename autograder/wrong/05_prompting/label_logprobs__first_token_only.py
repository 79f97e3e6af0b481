def label_logprobs(model: torch.nn.Module, tokenizer: Any, prompt: str,
                   labels: list[str]) -> torch.Tensor:
    """Mistake: scores only the first token of each label."""
    prompt_ids = tokenizer.encode(prompt)
    scores = []
    with torch.no_grad():
        logits = model(torch.tensor([prompt_ids])).logits[0, -1].float()
        logprobs = torch.log_softmax(logits, dim=-1)
        for label in labels:
            scores.append(logprobs[tokenizer.encode(label)[0]])
    return torch.stack(scores)
