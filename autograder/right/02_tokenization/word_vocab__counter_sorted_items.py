def word_vocab(text: str, min_freq: int = 1) -> dict[str, int]:
    """Correct alternative: collections.Counter, then one sort of (word, count) items by
    (-count, word), and a dict comprehension with enumerate starting at 1."""
    from collections import Counter

    counts = Counter(text.split())
    items = sorted(((w, c) for w, c in counts.items() if c >= min_freq),
                   key=lambda wc: (-wc[1], wc[0]))
    return {"<unk>": 0, **{w: i for i, (w, _) in enumerate(items, start=1)}}
