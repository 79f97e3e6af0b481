def constrained_choice(model: torch.nn.Module, tokenizer: Any, prompt: str,
                       allowed: list[str]) -> str:
    """Mistake: constrains only the first token, then takes the first allowed string that starts
    with it."""
    sequences = [tokenizer.encode(s) for s in allowed]
    prompt_ids = tokenizer.encode(prompt)
    with torch.no_grad():
        logits = model(torch.tensor([prompt_ids])).logits[0, -1]
    first = max({seq[0] for seq in sequences}, key=lambda t: (logits[t].item(), -t))
    for text, seq in zip(allowed, sequences):
        if seq[0] == first:
            return text
