def pair_counts(ids: list[int]) -> dict[tuple[int, int], int]:
    """Correct alternative: collections.Counter over zip(ids, ids[1:]) (a dict subclass)."""
    from collections import Counter

    return Counter(zip(ids, ids[1:]))
