def pair_counts(ids: list[int]) -> dict[tuple[int, int], int]:
    """Mistake: steps two at a time, so pairs are counted without overlap (and half are missed)."""
    counts = {}
    for i in range(0, len(ids) - 1, 2):
        pair = (ids[i], ids[i + 1])
        counts[pair] = counts.get(pair, 0) + 1
    return counts
