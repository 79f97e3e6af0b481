def reciprocal_rank_fusion(rankings: list[list[int]], k: int = 60) -> list[tuple[int, float]]:
    """Correct alternative: the best rank of each document per ranking in a dict first, a
    defaultdict of scores, and two stable sorts (by id, then by score descending)."""
    from collections import defaultdict

    scores = defaultdict(float)
    for ranking in rankings:
        best = {}
        for rank, doc in enumerate(ranking, 1):
            best.setdefault(doc, rank)
        for doc, rank in best.items():
            scores[doc] += 1 / (k + rank)
    items = sorted(scores.items())
    items.sort(key=lambda item: item[1], reverse=True)
    return [(int(d), float(s)) for d, s in items]
