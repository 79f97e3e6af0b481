def retrieval_metrics(ranked: list[list[int]], relevant: list[set[int]],
                      k: int) -> dict[str, float]:
    """Mistake: divides recall by min(|relevant|, k), so it reaches 1 when there are more than k
    relevant documents (the evaluator divides by |relevant|)."""
    if len(ranked) != len(relevant):
        raise ValueError("one set of relevant documents per query")
    recall, mrr, ndcg = [], [], []
    for docs, rel in zip(ranked, relevant):
        if not rel:
            raise ValueError("a query without relevant documents")
        hits = [d in rel for d in docs[:k]]
        recall.append(sum(hits) / min(len(rel), k))
        mrr.append(next((1 / r for r, h in enumerate(hits, 1) if h), 0.0))
        dcg = sum(1 / math.log2(r + 1) for r, h in enumerate(hits, 1) if h)
        ndcg.append(dcg / sum(1 / math.log2(r + 1) for r in range(1, min(len(rel), k) + 1)))
    n = len(ranked)
    return {"recall": sum(recall) / n, "mrr": sum(mrr) / n, "ndcg": sum(ndcg) / n}
