def build_prompt(context: str, instruction: str, task: str, setup: str,
                 output_format: str) -> str:
    """Mistake: never strips the components, so whitespace-only ones are kept."""
    parts = [("Context", context), ("Instructions", instruction), ("Task", task),
             ("Setup", setup), ("Output format", output_format)]
    sections = [f"### {header}\n{text}" for header, text in parts if text]
    return "\n\n".join(sections)
