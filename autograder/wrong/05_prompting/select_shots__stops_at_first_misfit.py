def select_shots(examples: list[tuple[str, str]], query: str, tokenizer: Any, budget: int,
                 k: int, instruction: str = "") -> list[tuple[str, str]]:
    """Mistake: stops at the first example that does not fit instead of skipping it."""
    chosen = []
    for example in examples:
        if len(chosen) >= k:
            break
        prompt = few_shot_prompt(chosen + [example], query, instruction)
        if len(tokenizer.encode(prompt)) > budget:
            break
        chosen.append(example)
    return chosen
