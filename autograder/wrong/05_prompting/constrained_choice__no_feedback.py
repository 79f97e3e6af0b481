def constrained_choice(model: torch.nn.Module, tokenizer: Any, prompt: str,
                       allowed: list[str]) -> str:
    """Mistake: scores every step from the prompt alone: the chosen tokens are never fed back."""
    sequences = [tokenizer.encode(s) for s in allowed]
    prompt_ids = tokenizer.encode(prompt)
    generated = []
    with torch.no_grad():
        logits = model(torch.tensor([prompt_ids])).logits[0, -1]
        while True:
            for text, seq in zip(allowed, sequences):
                if seq == generated:
                    return text
            candidates = sorted(allowed_next_tokens(sequences, generated))
            mask = torch.full_like(logits, float("-inf"))
            mask[candidates] = 0.0
            generated.append(int(torch.argmax(logits + mask)))
