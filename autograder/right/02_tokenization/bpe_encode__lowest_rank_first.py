def bpe_encode(text: str, merges: list[tuple[int, int]]) -> list[int]:
    """Correct alternative: GPT-2/tiktoken style: repeatedly merge the adjacent pair with the
    lowest merge rank until none is left (the same result as replaying merges in order)."""
    rank = {}
    for i, p in enumerate(merges):
        rank.setdefault(tuple(p), i)
    ids = list(text.encode("utf-8"))
    while len(ids) >= 2:
        present = {(a, b) for a, b in zip(ids, ids[1:]) if (a, b) in rank}
        if not present:
            break
        best = min(present, key=rank.__getitem__)
        ids = merge(ids, best, 256 + rank[best])
    return ids
