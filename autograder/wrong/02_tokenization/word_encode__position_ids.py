def word_encode(text: str, vocab: dict[str, int]) -> list[int]:
    """Mistake: uses each word's position in the vocabulary instead of its stored id."""
    words = list(vocab)
    return [words.index(w) if w in vocab else 0 for w in text.split()]
