def build_prompt(question: str, passages: list[str], n_tokens: Callable[[str], int],
                 budget: int) -> tuple[str, list[int]]:
    """Mistake: leaves the sources part empty when no passage is included, instead of the line
    "(no sources)"."""
    def make(chosen):
        lines = [f"[{i}] {p}" for i, p in enumerate(chosen, start=1)]
        return INSTRUCTION + "\n\n" + "\n".join(lines) + "\n\nQuestion: " + question + "\nAnswer:"

    if n_tokens(make([])) > budget:
        raise ValueError("the prompt without sources does not fit in the budget")
    chosen = []
    for passage in passages:
        if n_tokens(make(chosen + [passage])) > budget:
            break
        chosen.append(passage)
    return make(chosen), list(range(len(chosen)))
