def bm25_scores(query: list[str], corpus: list[list[str]], k1: float = 1.5,
                b: float = 0.75) -> list[float]:
    """Correct alternative: a (documents x vocabulary) term-frequency matrix in numpy float64,
    scored for all documents at once."""
    import numpy as np

    if len(corpus) == 0:
        return []
    vocab = {}
    for doc in corpus:
        for t in doc:
            vocab.setdefault(t, len(vocab))
    tf = np.zeros((len(corpus), max(len(vocab), 1)))
    for i, doc in enumerate(corpus):
        for t in doc:
            tf[i, vocab[t]] += 1
    dl = tf.sum(axis=1)
    avgdl = dl.mean()
    df = (tf > 0).sum(axis=0)
    idf = np.log1p((len(corpus) - df + 0.5) / (df + 0.5))
    cols = [vocab[t] for t in query if t in vocab]
    if not cols or avgdl == 0:
        return [0.0] * len(corpus)
    sub = tf[:, cols]
    norm = (k1 * (1 - b + b * dl / avgdl))[:, None]
    return (idf[cols] * sub / (sub + norm)).sum(axis=1).tolist()
