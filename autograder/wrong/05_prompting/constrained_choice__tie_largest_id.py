def constrained_choice(model: torch.nn.Module, tokenizer: Any, prompt: str,
                       allowed: list[str]) -> str:
    """Mistake: breaks ties between allowed tokens towards the LARGEST token id."""
    sequences = [tokenizer.encode(s) for s in allowed]
    prompt_ids = tokenizer.encode(prompt)
    generated = []
    with torch.no_grad():
        while True:
            for text, seq in zip(allowed, sequences):
                if seq == generated:
                    return text
            candidates = allowed_next_tokens(sequences, generated)
            logits = model(torch.tensor([prompt_ids + generated])).logits[0, -1]
            generated.append(max(candidates, key=lambda t: (logits[t].item(), t)))
