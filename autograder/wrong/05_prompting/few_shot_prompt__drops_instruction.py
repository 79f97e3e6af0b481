def few_shot_prompt(examples: list[tuple[str, str]], query: str, instruction: str = "") -> str:
    """Mistake: forgets the instruction."""
    blocks = [f"Input: {text}\nOutput: {label}" for text, label in examples]
    blocks.append(f"Input: {query}\nOutput:")
    return "\n\n".join(blocks)
