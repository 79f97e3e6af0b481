def build_prompt(context: str, instruction: str, task: str, setup: str,
                 output_format: str) -> str:
    """Mistake: ends every section, the last one too, with a blank line."""
    parts = [("Context", context), ("Instructions", instruction), ("Task", task),
             ("Setup", setup), ("Output format", output_format)]
    prompt = ""
    for header, text in parts:
        if text.strip():
            prompt += f"### {header}\n{text.strip()}\n\n"
    return prompt
