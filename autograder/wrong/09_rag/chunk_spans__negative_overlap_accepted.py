def chunk_spans(text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    """Mistake: checks overlap < size but not overlap >= 0, so a negative overlap silently skips
    words between windows."""
    import re

    if size < 1 or overlap >= size:
        raise ValueError("need size >= 1 and overlap < size")
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    spans, first = [], 0
    while first < len(words):
        last = min(first + size, len(words)) - 1
        spans.append((words[first][0], words[last][1]))
        if last == len(words) - 1:
            break
        first += size - overlap
    return spans
