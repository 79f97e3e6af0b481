def build_prompt(question: str, passages: list[str], n_tokens: Callable[[str], int],
                 budget: int) -> tuple[str, list[int]]:
    """Mistake: returns the prompt without sources even when it alone exceeds the budget,
    instead of raising ValueError."""
    def make(chosen):
        lines = [f"[{i}] {p}" for i, p in enumerate(chosen, start=1)] or ["(no sources)"]
        return INSTRUCTION + "\n\n" + "\n".join(lines) + "\n\nQuestion: " + question + "\nAnswer:"

    chosen = []
    for passage in passages:
        if n_tokens(make(chosen + [passage])) > budget:
            break
        chosen.append(passage)
    return make(chosen), list(range(len(chosen)))
