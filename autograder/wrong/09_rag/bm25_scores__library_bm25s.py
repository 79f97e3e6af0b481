def bm25_scores(query: list[str], corpus: list[list[str]], k1: float = 1.5,
                b: float = 0.75) -> list[float]:
    """Mistake: asks bm25s for the scores (forbidden: bm25s is the reference)."""
    import bm25s

    if not corpus:
        return []
    if not query:
        return [0.0] * len(corpus)
    retriever = bm25s.BM25(k1=k1, b=b, method="lucene")
    retriever.index(corpus, show_progress=False)
    return [float(x) for x in retriever.get_scores(query)]
