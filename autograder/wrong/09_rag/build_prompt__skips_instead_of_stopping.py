def build_prompt(question: str, passages: list[str], n_tokens: Callable[[str], int],
                 budget: int) -> tuple[str, list[int]]:
    """Mistake: skips a passage that does not fit and goes on with the next ones, instead of
    stopping at the first passage that does not fit."""
    def make(chosen):
        lines = [f"[{i}] {p}" for i, p in enumerate(chosen, start=1)] or ["(no sources)"]
        return INSTRUCTION + "\n\n" + "\n".join(lines) + "\n\nQuestion: " + question + "\nAnswer:"

    if n_tokens(make([])) > budget:
        raise ValueError("the prompt without sources does not fit in the budget")
    chosen, used = [], []
    for i, passage in enumerate(passages):
        if n_tokens(make(chosen + [passage])) <= budget:
            chosen.append(passage)
            used.append(i)
    return make(chosen), used
