def word_vocab(text: str, min_freq: int = 1) -> dict[str, int]:
    """Mistake: numbers the words from 0 and appends <unk> at the end."""
    counts = {}
    for word in text.split():
        counts[word] = counts.get(word, 0) + 1
    kept = sorted((w for w, c in counts.items() if c >= min_freq), key=lambda w: (-counts[w], w))
    vocab = {w: i for i, w in enumerate(kept)}
    vocab["<unk>"] = len(vocab)
    return vocab
