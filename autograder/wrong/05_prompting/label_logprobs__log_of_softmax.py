def label_logprobs(model: torch.nn.Module, tokenizer: Any, prompt: str,
                   labels: list[str]) -> torch.Tensor:
    """Mistake: torch.log(torch.softmax(...)) instead of log_softmax: probabilities below ~1e-38
    underflow to 0 and the label's score becomes -inf."""
    prompt_ids = tokenizer.encode(prompt)
    n = len(prompt_ids)
    scores = []
    with torch.no_grad():
        for label in labels:
            label_ids = tokenizer.encode(label)
            logits = model(torch.tensor([prompt_ids + label_ids])).logits[0].float()
            logprobs = torch.log(torch.softmax(logits, dim=-1))
            positions = torch.arange(n - 1, n - 1 + len(label_ids))
            scores.append(logprobs[positions, torch.tensor(label_ids)].sum())
    return torch.stack(scores)
