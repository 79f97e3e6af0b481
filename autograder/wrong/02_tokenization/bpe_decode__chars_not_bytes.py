def bpe_decode(ids: list[int], merges: list[tuple[int, int]]) -> str:
    """Mistake: treats ids 0-255 as characters (chr) instead of UTF-8 bytes: 'é' -> 'Ã©'."""
    vocab = {b: chr(b) for b in range(256)}
    for i, (a, b) in enumerate(merges):
        vocab[256 + i] = vocab[a] + vocab[b]
    return "".join(vocab[i] for i in ids)
