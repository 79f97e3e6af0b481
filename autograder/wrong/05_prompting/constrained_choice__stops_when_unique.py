def constrained_choice(model: torch.nn.Module, tokenizer: Any, prompt: str,
                       allowed: list[str]) -> str:
    """Mistake: stops as soon as a single allowed string remains possible, and returns the
    tokens decoded so far (an unfinished label)."""
    sequences = [tokenizer.encode(s) for s in allowed]
    prompt_ids = tokenizer.encode(prompt)
    generated = []
    with torch.no_grad():
        while sum(seq[:len(generated)] == generated for seq in sequences) > 1 or not generated:
            candidates = sorted(allowed_next_tokens(sequences, generated))
            logits = model(torch.tensor([prompt_ids + generated])).logits[0, -1]
            mask = torch.full_like(logits, float("-inf"))
            mask[candidates] = 0.0
            generated.append(int(torch.argmax(logits + mask)))
    return tokenizer.decode(generated)
