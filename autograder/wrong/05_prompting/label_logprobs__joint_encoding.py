def label_logprobs(model: torch.nn.Module, tokenizer: Any, prompt: str,
                   labels: list[str]) -> torch.Tensor:
    """Mistake: encodes prompt + label as one string and takes its last tokens as the label."""
    scores = []
    with torch.no_grad():
        for label in labels:
            ids = tokenizer.encode(prompt + label)
            m = len(tokenizer.encode(label))
            logits = model(torch.tensor([ids])).logits[0].float()
            logprobs = torch.log_softmax(logits, dim=-1)
            positions = torch.arange(len(ids) - m - 1, len(ids) - 1)
            scores.append(logprobs[positions, torch.tensor(ids[-m:])].sum())
    return torch.stack(scores)
