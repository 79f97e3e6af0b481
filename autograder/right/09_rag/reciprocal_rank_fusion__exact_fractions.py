def reciprocal_rank_fusion(rankings: list[list[int]], k: int = 60) -> list[tuple[int, float]]:
    """Correct alternative: each document's first position per ranking found with
    list.index, the scores summed exactly as Fractions and converted to float at the end."""
    from fractions import Fraction

    docs = {d for ranking in rankings for d in ranking}
    exact = {}
    for d in docs:
        exact[d] = sum((Fraction(1, k + ranking.index(d) + 1) for ranking in rankings
                        if d in ranking), Fraction(0))
    order = sorted(docs, key=lambda d: (-exact[d], d))
    return [(d, float(exact[d])) for d in order]
