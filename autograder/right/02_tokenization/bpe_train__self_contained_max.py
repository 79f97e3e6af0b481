def bpe_train(text: str, vocab_size: int) -> list[tuple[int, int]]:
    """Correct alternative: self-contained (no pair_counts/merge), Counter per step and max with
    the key (count, -a, -b) for the tie rule, in-place rebuild with an index loop."""
    from collections import Counter

    ids = list(text.encode("utf-8"))
    merges = []
    new_id = 256
    while new_id < vocab_size and len(ids) >= 2:
        counts = Counter(zip(ids, ids[1:]))
        (a, b), _ = max(counts.items(), key=lambda kv: (kv[1], -kv[0][0], -kv[0][1]))
        out, i = [], 0
        while i < len(ids):
            if i + 1 < len(ids) and ids[i] == a and ids[i + 1] == b:
                out.append(new_id)
                i += 2
            else:
                out.append(ids[i])
                i += 1
        ids = out
        merges.append((a, b))
        new_id += 1
    return merges
