def select_shots(examples: list[tuple[str, str]], query: str, tokenizer: Any, budget: int,
                 k: int, instruction: str = "") -> list[tuple[str, str]]:
    """Mistake: measures the prompt in characters instead of tokens."""
    chosen = []
    for example in examples:
        if len(chosen) >= k:
            break
        prompt = few_shot_prompt(chosen + [example], query, instruction)
        if len(prompt) <= budget:
            chosen.append(example)
    return chosen
