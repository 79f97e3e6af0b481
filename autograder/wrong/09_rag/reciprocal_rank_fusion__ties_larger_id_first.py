def reciprocal_rank_fusion(rankings: list[list[int]], k: int = 60) -> list[tuple[int, float]]:
    """Mistake: sorts the (score, id) pairs in reverse, so equal scores put the larger id
    first."""
    fused = {}
    for ranking in rankings:
        seen = set()
        for position, doc in enumerate(ranking, start=1):
            if doc in seen:
                continue
            seen.add(doc)
            fused[doc] = fused.get(doc, 0.0) + 1.0 / (k + position)
    ordered = sorted(((score, doc) for doc, score in fused.items()), reverse=True)
    return [(doc, score) for score, doc in ordered]
