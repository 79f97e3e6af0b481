def select_shots(examples: list[tuple[str, str]], query: str, tokenizer: Any, budget: int,
                 k: int, instruction: str = "") -> list[tuple[str, str]]:
    """Correct alternative: remember the indices of the chosen examples; test every example
    (no early exit) and build each candidate prompt with few_shot_prompt."""
    picked = []
    for i in range(len(examples)):
        if len(picked) == k or len(picked) > k:
            continue
        trial = [examples[j] for j in picked] + [examples[i]]
        if len(tokenizer.encode(few_shot_prompt(trial, query, instruction))) <= budget:
            picked.append(i)
    return [examples[j] for j in picked]
