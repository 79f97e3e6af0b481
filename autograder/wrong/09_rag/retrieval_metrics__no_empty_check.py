def retrieval_metrics(ranked: list[list[int]], relevant: list[set[int]],
                      k: int) -> dict[str, float]:
    """Mistake: no check of the inputs: a query without relevant documents raises
    ZeroDivisionError, and lists of different lengths are silently cut by zip."""
    recall, mrr, ndcg = [], [], []
    for docs, rel in zip(ranked, relevant):
        hits = [d in rel for d in docs[:k]]
        recall.append(sum(hits) / len(rel))
        mrr.append(next((1 / r for r, h in enumerate(hits, 1) if h), 0.0))
        dcg = sum(1 / math.log2(r + 1) for r, h in enumerate(hits, 1) if h)
        ndcg.append(dcg / sum(1 / math.log2(r + 1) for r in range(1, min(len(rel), k) + 1)))
    n = len(recall)
    return {"recall": sum(recall) / n, "mrr": sum(mrr) / n, "ndcg": sum(ndcg) / n}
