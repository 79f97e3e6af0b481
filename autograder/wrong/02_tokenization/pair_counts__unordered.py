def pair_counts(ids: list[int]) -> dict[tuple[int, int], int]:
    """Mistake: treats (b, a) as the same pair as (a, b)."""
    counts = {}
    for a, b in zip(ids, ids[1:]):
        pair = (min(a, b), max(a, b))
        counts[pair] = counts.get(pair, 0) + 1
    return counts
