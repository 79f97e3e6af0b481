def retrieval_metrics(ranked: list[list[int]], relevant: list[set[int]],
                      k: int) -> dict[str, float]:
    """Correct alternative: one pass over each query's top k with running sums, stopping the
    reciprocal rank at the first hit."""
    if len(relevant) != len(ranked):
        raise ValueError("one set of relevant documents per ranked list")
    totals = {"recall": 0.0, "mrr": 0.0, "ndcg": 0.0}
    for docs, rel in zip(ranked, relevant):
        if len(rel) == 0:
            raise ValueError("a query without any relevant document")
        found, rr, dcg, idcg = 0, 0.0, 0.0, 0.0
        for rank in range(1, k + 1):
            if rank <= min(len(rel), k):
                idcg += 1 / math.log2(rank + 1)
            if rank <= len(docs) and docs[rank - 1] in rel:
                found += 1
                dcg += 1 / math.log2(rank + 1)
                if rr == 0.0:
                    rr = 1 / rank
        totals["recall"] += found / len(rel)
        totals["mrr"] += rr
        totals["ndcg"] += dcg / idcg
    return {name: value / len(ranked) for name, value in totals.items()}
