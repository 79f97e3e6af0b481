def retrieval_metrics(ranked: list[list[int]], relevant: list[set[int]],
                      k: int) -> dict[str, float]:
    """Mistake: removes each found document from the caller's relevant set (rel.discard) to
    avoid counting it twice, changing the caller's data."""
    if len(ranked) != len(relevant):
        raise ValueError("one set of relevant documents per query")
    recall, mrr, ndcg = [], [], []
    for docs, rel in zip(ranked, relevant):
        if not rel:
            raise ValueError("a query without relevant documents")
        total = len(rel)
        ideal = sum(1 / math.log2(r + 1) for r in range(1, min(total, k) + 1))
        hits = []
        for d in docs[:k]:
            hits.append(d in rel)
            rel.discard(d)
        recall.append(sum(hits) / total)
        mrr.append(next((1 / r for r, h in enumerate(hits, 1) if h), 0.0))
        ndcg.append(sum(1 / math.log2(r + 1) for r, h in enumerate(hits, 1) if h) / ideal)
    n = len(ranked)
    return {"recall": sum(recall) / n, "mrr": sum(mrr) / n, "ndcg": sum(ndcg) / n}
