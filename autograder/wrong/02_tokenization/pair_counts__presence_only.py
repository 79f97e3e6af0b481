def pair_counts(ids: list[int]) -> dict[tuple[int, int], int]:
    """Mistake: records which pairs occur (count 1 each), not how often."""
    return {pair: 1 for pair in set(zip(ids, ids[1:]))}
