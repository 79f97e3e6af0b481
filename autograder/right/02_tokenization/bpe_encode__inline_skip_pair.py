def bpe_encode(text: str, merges: list[tuple[int, int]]) -> list[int]:
    """Correct alternative: self-contained, replays the merges in order with an inline
    left-to-right rewrite, skipping merges whose first byte does not occur."""
    ids = list(text.encode("utf-8"))
    for i, (a, b) in enumerate(merges):
        if a not in ids:
            continue
        out, j = [], 0
        while j < len(ids):
            if ids[j] == a and j + 1 < len(ids) and ids[j + 1] == b:
                out.append(256 + i)
                j += 2
            else:
                out.append(ids[j])
                j += 1
        ids = out
    return ids
