def bm25_scores(query: list[str], corpus: list[list[str]], k1: float = 1.5,
                b: float = 0.75, _df: dict = {}) -> list[float]:
    """Mistake: keeps the document frequencies in a mutable default argument, so they keep
    growing from one call to the next."""
    if not corpus:
        return []
    n = len(corpus)
    avgdl = sum(len(d) for d in corpus) / n
    for doc in corpus:
        for t in set(doc):
            _df[t] = _df.get(t, 0) + 1
    out = []
    for doc in corpus:
        total = 0.0
        for t in query:
            tf = doc.count(t)
            if tf == 0:
                continue
            df = min(_df[t], n)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            total += idf * tf / (tf + k1 * (1 - b + b * len(doc) / avgdl))
        out.append(total)
    return out
