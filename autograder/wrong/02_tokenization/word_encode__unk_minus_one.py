def word_encode(text: str, vocab: dict[str, int]) -> list[int]:
    """Mistake: uses -1 for unknown words instead of the id of <unk> (0)."""
    return [vocab.get(w, -1) for w in text.split()]
