def few_shot_prompt(examples: list[tuple[str, str]], query: str, instruction: str = "") -> str:
    """Mistake: strips the instruction of spaces, tabs and newlines only, so Unicode spaces
    (no-break, ideographic, ...) are kept and a blank instruction still makes a block."""
    head = instruction.strip(" \t\n")
    blocks = [head] if head else []
    blocks += [f"Input: {text}\nOutput: {label}" for text, label in examples]
    blocks.append(f"Input: {query}\nOutput:")
    return "\n\n".join(blocks)
