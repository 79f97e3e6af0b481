def bpe_decode(ids: list[int], merges: list[tuple[int, int]]) -> str:
    """Mistake: errors="ignore" silently drops invalid bytes instead of marking them with U+FFFD."""
    vocab = {b: bytes([b]) for b in range(256)}
    for i, (a, b) in enumerate(merges):
        vocab[256 + i] = vocab[a] + vocab[b]
    return b"".join(vocab[i] for i in ids).decode("utf-8", errors="ignore")
