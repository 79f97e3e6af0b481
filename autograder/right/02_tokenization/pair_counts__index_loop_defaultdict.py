def pair_counts(ids: list[int]) -> dict[tuple[int, int], int]:
    """Correct alternative: index loop over range(len(ids) - 1) into a defaultdict, converted to
    a plain dict."""
    from collections import defaultdict

    counts = defaultdict(int)
    for i in range(len(ids) - 1):
        counts[(ids[i], ids[i + 1])] += 1
    return dict(counts)
