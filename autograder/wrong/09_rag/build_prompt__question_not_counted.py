def build_prompt(question: str, passages: list[str], n_tokens: Callable[[str], int],
                 budget: int) -> tuple[str, list[int]]:
    """Mistake: checks the budget on the instruction and the sources only, so the question's
    tokens are not counted."""
    def sources(chosen):
        lines = [f"[{i}] {p}" for i, p in enumerate(chosen, start=1)] or ["(no sources)"]
        return INSTRUCTION + "\n\n" + "\n".join(lines)

    if n_tokens(sources([])) > budget:
        raise ValueError("the prompt without sources does not fit in the budget")
    chosen = []
    for passage in passages:
        if n_tokens(sources(chosen + [passage])) > budget:
            break
        chosen.append(passage)
    return sources(chosen) + "\n\nQuestion: " + question + "\nAnswer:", list(range(len(chosen)))
