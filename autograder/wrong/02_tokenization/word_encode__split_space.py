def word_encode(text: str, vocab: dict[str, int]) -> list[int]:
    """Mistake: splits on single spaces (text.split(" ")), unlike word_vocab."""
    return [vocab.get(w, 0) for w in text.split(" ")]
