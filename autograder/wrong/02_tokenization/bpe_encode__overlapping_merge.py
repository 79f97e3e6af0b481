def bpe_encode(text: str, merges: list[tuple[int, int]]) -> list[int]:
    """Mistake: the merge step lets occurrences overlap, so 'aaa' with (97, 97) gives two tokens
    that share the middle byte."""
    ids = list(text.encode("utf-8"))
    for k, pair in enumerate(merges):
        out, i = [], 0
        while i < len(ids):
            if i + 1 < len(ids) and (ids[i], ids[i + 1]) == tuple(pair):
                out.append(256 + k)
                if i + 2 < len(ids) and (ids[i + 1], ids[i + 2]) == tuple(pair):
                    i += 1
                else:
                    i += 2
            else:
                out.append(ids[i])
                i += 1
        ids = out
    return ids
