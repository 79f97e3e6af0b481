def chunk_spans(text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    """Correct alternative: text.split() for the words, each located with text.find(word, pos)
    after the previous one; the number of windows computed up front."""
    if not (size >= 1 and 0 <= overlap < size):
        raise ValueError("size must be >= 1 and overlap in [0, size)")
    offsets, pos = [], 0
    for word in text.split():
        start = text.find(word, pos)
        pos = start + len(word)
        offsets.append((start, pos))
    n = len(offsets)
    if n == 0:
        return []
    step = size - overlap
    count = 1 if n <= size else 1 + -(-(n - size) // step)
    return [(offsets[j * step][0], offsets[min(j * step + size, n) - 1][1]) for j in range(count)]
