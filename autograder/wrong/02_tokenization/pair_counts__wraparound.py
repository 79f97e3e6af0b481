def pair_counts(ids: list[int]) -> dict[tuple[int, int], int]:
    """Mistake: pairs the last token with the first (a circular sequence)."""
    counts = {}
    for pair in zip(ids, ids[1:] + ids[:1]):
        counts[pair] = counts.get(pair, 0) + 1
    return counts
