def build_prompt(question: str, passages: list[str], n_tokens: Callable[[str], int],
                 budget: int) -> tuple[str, list[int]]:
    """Correct alternative: a while loop over the passages, the prompt assembled from a list of
    parts each time."""
    def assemble(count):
        sources = "\n".join("[%d] %s" % (i + 1, passages[i]) for i in range(count))
        return "".join([INSTRUCTION, "\n\n", sources or "(no sources)", "\n\nQuestion: ",
                        question, "\nAnswer:"])

    if n_tokens(assemble(0)) > budget:
        raise ValueError("budget too small for the prompt without sources")
    count = 0
    while count < len(passages) and n_tokens(assemble(count + 1)) <= budget:
        count += 1
    return assemble(count), [i for i in range(count)]
