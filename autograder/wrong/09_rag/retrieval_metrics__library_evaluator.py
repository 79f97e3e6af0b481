def retrieval_metrics(ranked: list[list[int]], relevant: list[set[int]],
                      k: int) -> dict[str, float]:
    """Mistake: drives sentence-transformers' InformationRetrievalEvaluator (forbidden: it is the
    reference)."""
    from sentence_transformers.sentence_transformer.evaluation.information_retrieval import \
        InformationRetrievalEvaluator

    if len(ranked) != len(relevant) or not all(relevant):
        raise ValueError("one non-empty set of relevant documents per query")
    ids = {d for r in ranked for d in r} | {d for s in relevant for d in s}
    evaluator = InformationRetrievalEvaluator(
        queries={i: "" for i in range(len(ranked))}, corpus={d: "" for d in ids},
        relevant_docs=dict(enumerate(relevant)), mrr_at_k=[k], ndcg_at_k=[k],
        accuracy_at_k=[k], precision_recall_at_k=[k], map_at_k=[k], write_csv=False)
    m = evaluator.compute_metrics([[{"corpus_id": d, "score": -j} for j, d in enumerate(r)]
                                   for r in ranked])
    return {"recall": float(m["recall@k"][k]), "mrr": float(m["mrr@k"][k]),
            "ndcg": float(m["ndcg@k"][k])}
