def pair_counts(ids: list[int]) -> dict[tuple[int, int], int]:
    """Mistake: an off-by-one loop bound misses the last pair."""
    counts = {}
    for i in range(len(ids) - 2):
        pair = (ids[i], ids[i + 1])
        counts[pair] = counts.get(pair, 0) + 1
    return counts
