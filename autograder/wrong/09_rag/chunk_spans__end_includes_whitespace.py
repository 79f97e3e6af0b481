def chunk_spans(text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    """Mistake: a chunk ends where the next word starts (or at the end of the text), so it
    keeps the whitespace after its last word."""
    import re

    if size < 1 or not 0 <= overlap < size:
        raise ValueError("need size >= 1 and 0 <= overlap < size")
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    spans, first = [], 0
    while first < len(words):
        last = min(first + size, len(words)) - 1
        end = words[last + 1][0] if last + 1 < len(words) else len(text)
        spans.append((words[first][0], end))
        if last == len(words) - 1:
            break
        first += size - overlap
    return spans
