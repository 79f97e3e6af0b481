def reciprocal_rank_fusion(rankings: list[list[int]], k: int = 60) -> list[tuple[int, float]]:
    """Mistake: scores 1 / rank, forgetting the constant k that damps the top ranks."""
    fused = {}
    for ranking in rankings:
        seen = set()
        for position, doc in enumerate(ranking, start=1):
            if doc in seen:
                continue
            seen.add(doc)
            fused[doc] = fused.get(doc, 0.0) + 1.0 / position
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))
