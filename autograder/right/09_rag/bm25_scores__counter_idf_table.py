def bm25_scores(query: list[str], corpus: list[list[str]], k1: float = 1.5,
                b: float = 0.75) -> list[float]:
    """Correct alternative: collections.Counter per document, an idf table, and the query terms
    weighted by how often they occur in the query."""
    from collections import Counter

    if not corpus:
        return []
    n = len(corpus)
    avgdl = sum(map(len, corpus)) / n
    tfs = [Counter(doc) for doc in corpus]
    df = Counter(t for tf in tfs for t in tf)
    idf = {t: math.log(1.0 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
    weights = Counter(t for t in query if t in idf)
    scores = []
    for tf, doc in zip(tfs, corpus):
        norm = k1 * (1.0 - b + b * len(doc) / avgdl)
        scores.append(sum(w * idf[t] * tf[t] / (tf[t] + norm) for t, w in weights.items()
                          if tf[t]))
    return scores
