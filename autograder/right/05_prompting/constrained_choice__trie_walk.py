def constrained_choice(model: torch.nn.Module, tokenizer: Any, prompt: str,
                       allowed: list[str]) -> str:
    """Correct alternative: a dict from token tuples to strings; the candidates come from
    allowed_next_tokens and the best one is a Python max (highest logit, then smallest id)."""
    complete = {tuple(tokenizer.encode(s)): s for s in allowed}
    sequences = [list(seq) for seq in complete]
    context = tokenizer.encode(prompt)
    generated = []
    while tuple(generated) not in complete:
        with torch.no_grad():
            last = model(torch.tensor([context + generated])).logits[0, -1].tolist()
        options = allowed_next_tokens(sequences, generated)
        generated.append(max(options, key=lambda t: (last[t], -t)))
    return complete[tuple(generated)]
