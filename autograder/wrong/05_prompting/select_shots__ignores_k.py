def select_shots(examples: list[tuple[str, str]], query: str, tokenizer: Any, budget: int,
                 k: int, instruction: str = "") -> list[tuple[str, str]]:
    """Mistake: never stops at k demonstrations."""
    chosen = []
    for example in examples:
        prompt = few_shot_prompt(chosen + [example], query, instruction)
        if len(tokenizer.encode(prompt)) <= budget:
            chosen.append(example)
    return chosen
