def bm25_scores(query: list[str], corpus: list[list[str]], k1: float = 1.5,
                b: float = 0.75) -> list[float]:
    """Mistake: computes the right scores with numpy but returns a numpy array, not the list of
    floats the signature promises."""
    import numpy as np

    if not corpus:
        return []
    n = len(corpus)
    lengths = np.array([len(d) for d in corpus], dtype=float)
    avgdl = lengths.mean()
    scores = np.zeros(n)
    for t in query:
        tf = np.array([d.count(t) for d in corpus], dtype=float)
        df = (tf > 0).sum()
        if df == 0:
            continue
        idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
        scores += idf * tf / (tf + k1 * (1 - b + b * lengths / avgdl))
    return scores
