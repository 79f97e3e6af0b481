def build_prompt(context: str, instruction: str, task: str, setup: str,
                 output_format: str) -> str:
    """Mistake: separates the sections by a single newline, not a blank line."""
    parts = [("Context", context), ("Instructions", instruction), ("Task", task),
             ("Setup", setup), ("Output format", output_format)]
    sections = [f"### {header}\n{text.strip()}" for header, text in parts if text.strip()]
    return "\n".join(sections)
