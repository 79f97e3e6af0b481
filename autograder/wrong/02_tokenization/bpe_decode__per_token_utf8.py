def bpe_decode(ids: list[int], merges: list[tuple[int, int]]) -> str:
    """Mistake: decodes every token's bytes on its own and joins the strings, which breaks
    characters split across tokens (emoji, CJK)."""
    vocab = {b: bytes([b]) for b in range(256)}
    for i, (a, b) in enumerate(merges):
        vocab[256 + i] = vocab[a] + vocab[b]
    return "".join(vocab[i].decode("utf-8", errors="replace") for i in ids)
