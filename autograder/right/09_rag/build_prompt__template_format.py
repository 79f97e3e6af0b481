def build_prompt(question: str, passages: list[str], n_tokens: Callable[[str], int],
                 budget: int) -> tuple[str, list[int]]:
    """Correct alternative: a str.format template, the lines kept in a list that grows, and the
    last prompt that fitted remembered."""
    template = "{instruction}\n\n{sources}\n\nQuestion: {question}\nAnswer:"
    lines = []
    best = template.format(instruction=INSTRUCTION, sources="(no sources)", question=question)
    if n_tokens(best) > budget:
        raise ValueError("even the prompt without sources exceeds the budget")
    included = []
    for index, passage in enumerate(passages):
        trial = template.format(instruction=INSTRUCTION, question=question,
                                sources="\n".join(lines + [f"[{len(lines) + 1}] {passage}"]))
        if n_tokens(trial) > budget:
            break
        lines.append(f"[{len(lines) + 1}] {passage}")
        included.append(index)
        best = trial
    return best, included
