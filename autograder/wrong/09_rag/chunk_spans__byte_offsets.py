def chunk_spans(text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    """Mistake: offsets counted in UTF-8 bytes instead of str indices (code points)."""
    import re

    if size < 1 or not 0 <= overlap < size:
        raise ValueError("need size >= 1 and 0 <= overlap < size")
    data = text.encode("utf-8")
    words = [(m.start(), m.end()) for m in re.finditer(rb"\S+", data)]
    spans, first = [], 0
    while first < len(words):
        last = min(first + size, len(words)) - 1
        spans.append((words[first][0], words[last][1]))
        if last == len(words) - 1:
            break
        first += size - overlap
    return spans
