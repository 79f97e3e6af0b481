def reciprocal_rank_fusion(rankings: list[list[int]], k: int = 60) -> list[tuple[int, float]]:
    """Mistake: sorts by score only, so equal scores keep the order in which the documents were
    first seen instead of the smaller id first."""
    fused = {}
    for ranking in rankings:
        seen = set()
        for position, doc in enumerate(ranking, start=1):
            if doc in seen:
                continue
            seen.add(doc)
            fused[doc] = fused.get(doc, 0.0) + 1.0 / (k + position)
    return sorted(fused.items(), key=lambda item: -item[1])
