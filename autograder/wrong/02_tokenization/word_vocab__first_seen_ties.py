def word_vocab(text: str, min_freq: int = 1) -> dict[str, int]:
    """Mistake: ties between equal counts keep the order of first appearance, not alphabetical."""
    from collections import Counter

    counts = Counter(text.split())
    vocab = {"<unk>": 0}
    for word, c in counts.most_common():
        if c >= min_freq:
            vocab[word] = len(vocab)
    return vocab
