def constrained_choice(model: torch.nn.Module, tokenizer: Any, prompt: str,
                       allowed: list[str]) -> str:
    """Mistake: after the first token, allows any token (plain greedy decoding)."""
    sequences = [tokenizer.encode(s) for s in allowed]
    prompt_ids = tokenizer.encode(prompt)
    generated = []
    with torch.no_grad():
        while len(generated) < max(len(s) for s in sequences):
            for text, seq in zip(allowed, sequences):
                if seq == generated:
                    return text
            logits = model(torch.tensor([prompt_ids + generated])).logits[0, -1]
            if not generated:
                candidates = sorted({seq[0] for seq in sequences})
                mask = torch.full_like(logits, float("-inf"))
                mask[candidates] = 0.0
                logits = logits + mask
            generated.append(int(torch.argmax(logits)))
    return tokenizer.decode(generated)
