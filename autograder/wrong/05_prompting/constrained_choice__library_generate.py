def constrained_choice(model: torch.nn.Module, tokenizer: Any, prompt: str,
                       allowed: list[str]) -> str:
    """Mistake: lets transformers' generate() do the constrained search (the forbidden shortcut)."""
    sequences = [tokenizer.encode(s) for s in allowed]
    prompt_ids = tokenizer.encode(prompt)

    def next_tokens(batch_id, ids):
        gen = ids[len(prompt_ids):].tolist()
        return sorted(allowed_next_tokens(sequences, gen)) or [2047]

    ids = torch.tensor([prompt_ids])
    out = model.generate(ids, attention_mask=torch.ones_like(ids), do_sample=False,
                         prefix_allowed_tokens_fn=next_tokens, eos_token_id=2047,
                         pad_token_id=2047, max_new_tokens=max(map(len, sequences)) + 1)
    gen = [t for t in out[0, len(prompt_ids):].tolist() if t != 2047]
    return allowed[sequences.index(gen)]
