def build_prompt(question: str, passages: list[str], n_tokens: Callable[[str], int],
                 budget: int) -> tuple[str, list[int]]:
    """Mistake: adds up the token counts of the pieces (instruction, each source line, the
    question part) instead of counting the finished prompt; BPE counts are not additive."""
    head = INSTRUCTION + "\n\n"
    tail = "\n\nQuestion: " + question + "\nAnswer:"
    fixed = n_tokens(head) + n_tokens(tail)
    if fixed + n_tokens("(no sources)") > budget:
        raise ValueError("the prompt without sources does not fit in the budget")
    lines, used = [], 0
    for i, passage in enumerate(passages):
        line = f"[{i + 1}] {passage}"
        cost = n_tokens(line) + (n_tokens("\n") if lines else 0)
        if fixed + used + cost > budget:
            break
        lines.append(line)
        used += cost
    return head + ("\n".join(lines) or "(no sources)") + tail, list(range(len(lines)))
