def _merge(ids, pair, new_id):
    out, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and ids[i] == pair[0] and ids[i + 1] == pair[1]:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out



def bpe_encode(text: str, merges: list[tuple[int, int]]) -> list[int]:
    """Mistake: applies the merges in reverse order (latest first)."""
    ids = list(text.encode("utf-8"))
    for i in reversed(range(len(merges))):
        ids = _merge(ids, merges[i], 256 + i)
    return ids
