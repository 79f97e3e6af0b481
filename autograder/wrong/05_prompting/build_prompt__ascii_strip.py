def build_prompt(context: str, instruction: str, task: str, setup: str,
                 output_format: str) -> str:
    """Mistake: strips only spaces, tabs and newlines (strip(" \\t\\n")), so Unicode spaces such
    as the no-break space survive and a component of only such spaces is not empty."""
    parts = [("Context", context), ("Instructions", instruction), ("Task", task),
             ("Setup", setup), ("Output format", output_format)]
    sections = []
    for header, text in parts:
        text = text.strip(" \t\n")
        if text:
            sections.append(f"### {header}\n{text}")
    return "\n\n".join(sections)
