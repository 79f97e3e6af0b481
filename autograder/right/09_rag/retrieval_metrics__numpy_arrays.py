def retrieval_metrics(ranked: list[list[int]], relevant: list[set[int]],
                      k: int) -> dict[str, float]:
    """Correct alternative: a (queries x k) numpy matrix of hits, padded with zeros, and the
    three metrics as array expressions."""
    import numpy as np

    if len(ranked) - len(relevant):
        raise ValueError("ranked and relevant differ in length")
    if any(len(rel) == 0 for rel in relevant):
        raise ValueError("a query has no relevant documents")
    hits = np.zeros((len(ranked), k))
    for i, (docs, rel) in enumerate(zip(ranked, relevant)):
        for j, d in enumerate(docs[:k]):
            hits[i, j] = d in rel
    n_rel = np.array([len(rel) for rel in relevant], dtype=float)
    discount = 1.0 / np.log2(np.arange(2, k + 2))
    first = np.where(hits.any(axis=1), 1.0 / (hits.argmax(axis=1) + 1), 0.0)
    ideal = np.array([discount[:min(int(m), k)].sum() for m in n_rel])
    return {"recall": float((hits.sum(axis=1) / n_rel).mean()),
            "mrr": float(first.mean()),
            "ndcg": float(((hits * discount).sum(axis=1) / ideal).mean())}
