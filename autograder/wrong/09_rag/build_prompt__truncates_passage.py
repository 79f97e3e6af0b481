def build_prompt(question: str, passages: list[str], n_tokens: Callable[[str], int],
                 budget: int) -> tuple[str, list[int]]:
    """Mistake: when a passage does not fit, includes as many of its words as fit (and then
    stops), instead of leaving it out whole."""
    def make(chosen):
        lines = [f"[{i}] {p}" for i, p in enumerate(chosen, start=1)] or ["(no sources)"]
        return INSTRUCTION + "\n\n" + "\n".join(lines) + "\n\nQuestion: " + question + "\nAnswer:"

    if n_tokens(make([])) > budget:
        raise ValueError("the prompt without sources does not fit in the budget")
    chosen = []
    for passage in passages:
        if n_tokens(make(chosen + [passage])) <= budget:
            chosen.append(passage)
            continue
        words = passage.split()
        while words and n_tokens(make(chosen + [" ".join(words)])) > budget:
            words.pop()
        if words:
            chosen.append(" ".join(words))
        break
    return make(chosen), list(range(len(chosen)))
