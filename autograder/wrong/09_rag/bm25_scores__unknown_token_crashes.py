def bm25_scores(query: list[str], corpus: list[list[str]], k1: float = 1.5,
                b: float = 0.75) -> list[float]:
    """Mistake: looks up the idf of every query token in a table of corpus tokens, so a token
    that occurs in no document raises KeyError."""
    if not corpus:
        return []
    n = len(corpus)
    avgdl = sum(len(d) for d in corpus) / n
    df = {}
    for doc in corpus:
        for t in set(doc):
            df[t] = df.get(t, 0) + 1
    idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
    out = []
    for doc in corpus:
        total = 0.0
        for t in query:
            tf = doc.count(t)
            total += idf[t] * tf / (tf + k1 * (1 - b + b * len(doc) / avgdl))
        out.append(total)
    return out
