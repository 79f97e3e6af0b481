def retrieval_metrics(ranked: list[list[int]], relevant: list[set[int]],
                      k: int) -> dict[str, float]:
    """Mistake: the discount of the original DCG, 1 for rank 1 and 1 / log2(rank) after it,
    instead of 1 / log2(rank + 1)."""
    def discount(rank):
        return 1.0 if rank == 1 else 1 / math.log2(rank)

    if len(ranked) != len(relevant):
        raise ValueError("one set of relevant documents per query")
    recall, mrr, ndcg = [], [], []
    for docs, rel in zip(ranked, relevant):
        if not rel:
            raise ValueError("a query without relevant documents")
        hits = [d in rel for d in docs[:k]]
        recall.append(sum(hits) / len(rel))
        mrr.append(next((1 / r for r, h in enumerate(hits, 1) if h), 0.0))
        dcg = sum(discount(r) for r, h in enumerate(hits, 1) if h)
        ndcg.append(dcg / sum(discount(r) for r in range(1, min(len(rel), k) + 1)))
    n = len(ranked)
    return {"recall": sum(recall) / n, "mrr": sum(mrr) / n, "ndcg": sum(ndcg) / n}
