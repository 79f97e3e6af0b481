def bm25_scores(query: list[str], corpus: list[list[str]], k1: float = 1.5,
                b: float = 0.75) -> list[float]:
    """Mistake: df(t) counts every occurrence of t in the corpus instead of the documents that
    contain it."""
    if not corpus:
        return []
    n = len(corpus)
    avgdl = sum(len(d) for d in corpus) / n
    df = {}
    for doc in corpus:
        for t in doc:
            df[t] = df.get(t, 0) + 1
    out = []
    for doc in corpus:
        total = 0.0
        for t in query:
            tf = doc.count(t)
            if tf == 0:
                continue
            idf = math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5))
            total += idf * tf / (tf + k1 * (1 - b + b * len(doc) / avgdl))
        out.append(total)
    return out
