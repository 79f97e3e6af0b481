def build_prompt(context: str, instruction: str, task: str, setup: str,
                 output_format: str) -> str:
    """Mistake: puts the task before the instructions."""
    parts = [("Context", context), ("Task", task), ("Instructions", instruction),
             ("Setup", setup), ("Output format", output_format)]
    sections = [f"### {header}\n{text.strip()}" for header, text in parts if text.strip()]
    return "\n\n".join(sections)
