def select_shots(examples: list[tuple[str, str]], query: str, tokenizer: Any, budget: int,
                 k: int, instruction: str = "") -> list[tuple[str, str]]:
    """Mistake: skips an example that is already chosen, so an example listed twice is used once."""
    chosen = []
    for example in examples:
        if len(chosen) >= k:
            break
        if example in chosen:
            continue
        prompt = few_shot_prompt(chosen + [example], query, instruction)
        if len(tokenizer.encode(prompt)) <= budget:
            chosen.append(example)
    return chosen
