def _pairs(ids):
    counts = {}
    for p in zip(ids, ids[1:]):
        counts[p] = counts.get(p, 0) + 1
    return counts


def bpe_train(text: str, vocab_size: int) -> list[tuple[int, int]]:
    """Mistake: the merge step forgets to skip the second token of a match, so occurrences
    overlap and the merged token's partner stays in the sequence."""
    ids = list(text.encode("utf-8"))
    merges = []
    for step in range(vocab_size - 256):
        counts = _pairs(ids)
        if not counts:
            break
        pair = min(counts, key=lambda p: (-counts[p], p))
        out, i = [], 0
        while i < len(ids):
            if i + 1 < len(ids) and (ids[i], ids[i + 1]) == pair:
                out.append(256 + step)
                i += 1
            else:
                out.append(ids[i])
                i += 1
        ids = out
        merges.append(pair)
    return merges
