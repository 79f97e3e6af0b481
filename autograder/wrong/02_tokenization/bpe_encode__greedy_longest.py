def bpe_encode(text: str, merges: list[tuple[int, int]]) -> list[int]:
    """Mistake: greedy longest-match against the vocabulary's byte strings instead of replaying
    the merges (often the same, but not always)."""
    vocab = {bytes([b]): b for b in range(256)}
    tokens = {b: bytes([b]) for b in range(256)}
    for i, (a, b) in enumerate(merges):
        tokens[256 + i] = tokens[a] + tokens[b]
        vocab.setdefault(tokens[256 + i], 256 + i)
    data, ids, i = text.encode("utf-8"), [], 0
    longest = max((len(v) for v in vocab), default=1)
    while i < len(data):
        for L in range(min(longest, len(data) - i), 0, -1):
            if data[i:i + L] in vocab:
                ids.append(vocab[data[i:i + L]])
                i += L
                break
    return ids
