def reciprocal_rank_fusion(rankings: list[list[int]], k: int = 60) -> list[tuple[int, float]]:
    """Mistake: keeps only the documents that appear in every ranking."""
    if not rankings:
        return []
    common = set(rankings[0]).intersection(*map(set, rankings[1:]))
    fused = {}
    for ranking in rankings:
        seen = set()
        for position, doc in enumerate(ranking, start=1):
            if doc in seen or doc not in common:
                continue
            seen.add(doc)
            fused[doc] = fused.get(doc, 0.0) + 1.0 / (k + position)
    return sorted(fused.items(), key=lambda item: (-item[1], item[0]))
