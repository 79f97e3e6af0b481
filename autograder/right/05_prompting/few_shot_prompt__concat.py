def few_shot_prompt(examples: list[tuple[str, str]], query: str, instruction: str = "") -> str:
    """Correct alternative: one string, built with += (each block followed by a blank line),
    the query block last."""
    prompt = ""
    head = instruction.strip()
    if head:
        prompt += head + "\n\n"
    for text, label in examples:
        prompt += "Input: " + text + "\nOutput: " + label + "\n\n"
    return prompt + "Input: " + query + "\nOutput:"
