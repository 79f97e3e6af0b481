def build_prompt(question: str, passages: list[str], n_tokens: Callable[[str], int],
                 budget: int) -> tuple[str, list[int]]:
    """Mistake: separates the source lines by a blank line ("\\n\\n") instead of "\\n"."""
    def make(chosen):
        lines = [f"[{i}] {p}" for i, p in enumerate(chosen, start=1)] or ["(no sources)"]
        return INSTRUCTION + "\n\n" + "\n\n".join(lines) + "\n\nQuestion: " + question + "\nAnswer:"

    if n_tokens(make([])) > budget:
        raise ValueError("the prompt without sources does not fit in the budget")
    chosen = []
    for passage in passages:
        if n_tokens(make(chosen + [passage])) > budget:
            break
        chosen.append(passage)
    return make(chosen), list(range(len(chosen)))
