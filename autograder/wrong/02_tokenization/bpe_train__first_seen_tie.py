def _pairs(ids):
    counts = {}
    for p in zip(ids, ids[1:]):
        counts[p] = counts.get(p, 0) + 1
    return counts


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



def bpe_train(text: str, vocab_size: int) -> list[tuple[int, int]]:
    """Mistake: max(counts, key=counts.get): ties go to the pair seen first in the text."""
    ids = list(text.encode("utf-8"))
    merges = []
    for step in range(vocab_size - 256):
        counts = _pairs(ids)
        if not counts:
            break
        pair = max(counts, key=counts.get)
        ids = _merge(ids, pair, 256 + step)
        merges.append(pair)
    return merges
