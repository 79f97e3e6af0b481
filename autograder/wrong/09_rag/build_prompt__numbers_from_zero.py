def build_prompt(question: str, passages: list[str], n_tokens: Callable[[str], int],
                 budget: int) -> tuple[str, list[int]]:
    """Mistake: numbers the sources [0], [1], ... (the indices) instead of [1], [2], ...."""
    def make(chosen):
        lines = [f"[{i}] {p}" for i, p in enumerate(chosen)] or ["(no sources)"]
        return INSTRUCTION + "\n\n" + "\n".join(lines) + "\n\nQuestion: " + question + "\nAnswer:"

    if n_tokens(make([])) > budget:
        raise ValueError("the prompt without sources does not fit in the budget")
    chosen = []
    for passage in passages:
        if n_tokens(make(chosen + [passage])) > budget:
            break
        chosen.append(passage)
    return make(chosen), list(range(len(chosen)))
