def build_prompt(question: str, passages: list[str], n_tokens: Callable[[str], int],
                 budget: int) -> tuple[str, list[int]]:
    """Mistake: calls the chapter's llmz.rag.build_prompt (forbidden: the task is to write it)."""
    import llmz.rag

    return llmz.rag.build_prompt(question, passages, n_tokens, budget)
