def bm25_scores(query: list[str], corpus: list[list[str]], k1: float = 1.5,
                b: float = 0.75) -> list[float]:
    """Mistake: uses tf = 1 whenever the token occurs (a set of the document's tokens), not the
    number of occurrences."""
    if not corpus:
        return []
    n = len(corpus)
    avgdl = sum(len(d) for d in corpus) / n
    sets = [set(doc) for doc in corpus]
    out = []
    for doc, tokens in zip(corpus, sets):
        total = 0.0
        for t in query:
            if t not in tokens:
                continue
            df = sum(t in s for s in sets)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            total += idf * 1 / (1 + k1 * (1 - b + b * len(doc) / avgdl))
        out.append(total)
    return out
