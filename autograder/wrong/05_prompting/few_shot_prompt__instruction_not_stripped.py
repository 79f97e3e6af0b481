def few_shot_prompt(examples: list[tuple[str, str]], query: str, instruction: str = "") -> str:
    """Mistake: inserts the instruction without stripping it."""
    blocks = [instruction] if instruction.strip() else []
    blocks += [f"Input: {text}\nOutput: {label}" for text, label in examples]
    blocks.append(f"Input: {query}\nOutput:")
    return "\n\n".join(blocks)
