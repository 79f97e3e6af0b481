def select_shots(examples: list[tuple[str, str]], query: str, tokenizer: Any, budget: int,
                 k: int, instruction: str = "") -> list[tuple[str, str]]:
    """Mistake: counts only the demonstrations' tokens, not the query's (nor the instruction's)."""
    chosen, used = [], 0
    for example in examples:
        if len(chosen) >= k:
            break
        cost = len(tokenizer.encode(f"Input: {example[0]}\nOutput: {example[1]}"))
        if used + cost <= budget:
            chosen.append(example)
            used += cost
    return chosen
