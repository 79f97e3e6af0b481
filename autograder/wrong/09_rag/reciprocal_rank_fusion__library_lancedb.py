def reciprocal_rank_fusion(rankings: list[list[int]], k: int = 60) -> list[tuple[int, float]]:
    """Mistake: lets lancedb's RRFReranker fuse the rankings as Arrow tables (forbidden; it also
    keeps float32 scores and counts repeats)."""
    import pyarrow as pa
    from lancedb.rerankers import RRFReranker

    tables = [pa.table({"_rowid": pa.array(r, type=pa.int64())}) for r in rankings if r]
    if not tables:
        return []
    fused = RRFReranker(K=k).rerank_multivector(tables)
    pairs = zip(fused["_rowid"].to_pylist(), fused["_relevance_score"].to_pylist())
    return sorted(((int(d), float(s)) for d, s in pairs), key=lambda item: (-item[1], item[0]))
