def chunk_spans(text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    """Mistake: calls the chapter's llmz.rag.chunk_spans (forbidden: the task is to write it)."""
    import llmz.rag

    return llmz.rag.chunk_spans(text, size, overlap)
