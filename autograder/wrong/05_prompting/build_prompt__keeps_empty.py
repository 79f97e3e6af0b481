def build_prompt(context: str, instruction: str, task: str, setup: str,
                 output_format: str) -> str:
    """Mistake: keeps a header for every component, even the empty ones."""
    parts = [("Context", context), ("Instructions", instruction), ("Task", task),
             ("Setup", setup), ("Output format", output_format)]
    sections = [f"### {header}\n{text.strip()}" for header, text in parts]
    return "\n\n".join(sections)
