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
    """Mistake: numbers the merges from 257 (as if 256 were reserved for a special token)."""
    ids = list(text.encode("utf-8"))
    for i, pair in enumerate(merges):
        ids = _merge(ids, pair, 257 + i)
    return ids
