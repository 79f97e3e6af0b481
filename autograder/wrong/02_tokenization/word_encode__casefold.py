def word_encode(text: str, vocab: dict[str, int]) -> list[int]:
    """Mistake: lower-cases words before the lookup, so 'The' is encoded as 'the'."""
    return [vocab.get(w.lower(), vocab.get(w, 0)) for w in text.split()]
