def build_prompt(question: str, passages: list[str], n_tokens: Callable[[str], int],
                 budget: int) -> tuple[str, list[int]]:
    """Mistake: consumes the caller's list with passages.pop(0), so it is empty afterwards."""
    def make(chosen):
        lines = [f"[{i}] {p}" for i, p in enumerate(chosen, start=1)] or ["(no sources)"]
        return INSTRUCTION + "\n\n" + "\n".join(lines) + "\n\nQuestion: " + question + "\nAnswer:"

    if n_tokens(make([])) > budget:
        raise ValueError("the prompt without sources does not fit in the budget")
    chosen = []
    while passages:
        passage = passages.pop(0)
        if n_tokens(make(chosen + [passage])) > budget:
            break
        chosen.append(passage)
    return make(chosen), list(range(len(chosen)))
