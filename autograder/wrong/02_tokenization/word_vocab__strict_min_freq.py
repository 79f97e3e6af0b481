def word_vocab(text: str, min_freq: int = 1) -> dict[str, int]:
    """Mistake: keeps only words seen MORE than min_freq times (count == min_freq becomes <unk>)."""
    counts = {}
    for word in text.split():
        counts[word] = counts.get(word, 0) + 1
    kept = sorted((w for w, c in counts.items() if c > min_freq), key=lambda w: (-counts[w], w))
    vocab = {"<unk>": 0}
    for word in kept:
        vocab[word] = len(vocab)
    return vocab
