def reciprocal_rank_fusion(rankings: list[list[int]], k: int = 60) -> list[tuple[int, float]]:
    """Mistake: removes the repeats from the caller's rankings in place (ranking[:] = ...)
    before scoring them."""
    fused = {}
    for ranking in rankings:
        ranking[:] = list(dict.fromkeys(ranking))
        for position, doc in enumerate(ranking, start=1):
            fused[doc] = fused.get(doc, 0.0) + 1.0 / (k + position)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))
