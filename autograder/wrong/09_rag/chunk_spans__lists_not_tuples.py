def chunk_spans(text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    """Mistake: returns each span as a list [start, end] instead of the tuple (start, end) the
    signature promises."""
    import re

    if size < 1 or not 0 <= overlap < size:
        raise ValueError("need size >= 1 and 0 <= overlap < size")
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    spans, first = [], 0
    while first < len(words):
        last = min(first + size, len(words)) - 1
        spans.append([words[first][0], words[last][1]])
        if last == len(words) - 1:
            break
        first += size - overlap
    return spans
