def reciprocal_rank_fusion(rankings: list[list[int]], k: int = 60) -> list[tuple[int, float]]:
    """Mistake: counts ranks from 0 (enumerate without start=1), so the best document adds
    1 / k instead of 1 / (k + 1)."""
    fused = {}
    for ranking in rankings:
        seen = set()
        for position, doc in enumerate(ranking):
            if doc in seen:
                continue
            seen.add(doc)
            fused[doc] = fused.get(doc, 0.0) + 1.0 / (k + position)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))
