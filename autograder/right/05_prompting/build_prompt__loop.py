def build_prompt(context: str, instruction: str, task: str, setup: str,
                 output_format: str) -> str:
    """Correct alternative: append the sections one by one, adding the blank line separator
    before every section but the first."""
    out = ""
    for header, text in zip(["Context", "Instructions", "Task", "Setup", "Output format"],
                            [context, instruction, task, setup, output_format]):
        text = text.strip()
        if text == "":
            continue
        if out:
            out += "\n\n"
        out += "### " + header + "\n" + text
    return out
