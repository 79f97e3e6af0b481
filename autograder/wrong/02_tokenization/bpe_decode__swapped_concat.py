def bpe_decode(ids: list[int], merges: list[tuple[int, int]]) -> str:
    """Mistake: concatenates a merge's two parts in the wrong order (b then a)."""
    vocab = {b: bytes([b]) for b in range(256)}
    for i, (a, b) in enumerate(merges):
        vocab[256 + i] = vocab[b] + vocab[a]
    return b"".join(vocab[i] for i in ids).decode("utf-8", errors="replace")
