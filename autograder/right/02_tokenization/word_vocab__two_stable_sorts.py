def word_vocab(text: str, min_freq: int = 1) -> dict[str, int]:
    """Correct alternative: a regex finds the words (runs of non-whitespace, the same pieces as
    str.split), then two stable sorts: alphabetical first, then by count descending."""
    import re

    counts = {}
    for word in re.findall(r"\S+", text):
        counts[word] = counts.get(word, 0) + 1
    words = sorted(counts)
    words.sort(key=lambda w: counts[w], reverse=True)   # stable: ties stay alphabetical
    vocab = {"<unk>": 0}
    for w in words:
        if counts[w] >= min_freq:
            vocab[w] = len(vocab)
    return vocab
