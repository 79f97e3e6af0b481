def word_vocab(text: str, min_freq: int = 1) -> dict[str, int]:
    """Mistake: splits on spaces after turning tabs and newlines into spaces, so other
    whitespace (a no-break space, an ideographic space, '\\r') stays inside words."""
    words = [w for w in text.replace("\t", " ").replace("\n", " ").split(" ") if w]
    counts = {}
    for word in words:
        counts[word] = counts.get(word, 0) + 1
    kept = sorted((w for w, c in counts.items() if c >= min_freq), key=lambda w: (-counts[w], w))
    vocab = {"<unk>": 0}
    for word in kept:
        vocab[word] = len(vocab)
    return vocab
