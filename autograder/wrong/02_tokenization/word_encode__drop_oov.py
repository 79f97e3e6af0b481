def word_encode(text: str, vocab: dict[str, int]) -> list[int]:
    """Mistake: drops out-of-vocabulary words instead of encoding them as <unk>."""
    return [vocab[w] for w in text.split() if w in vocab]
