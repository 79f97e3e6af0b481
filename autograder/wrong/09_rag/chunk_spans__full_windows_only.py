def chunk_spans(text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    """Mistake: only full windows of size words, so the words after the last full window are
    dropped (a text shorter than size still gets its one window)."""
    if size < 1 or not 0 <= overlap < size:
        raise ValueError("need size >= 1 and 0 <= overlap < size")
    import re

    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    if not words:
        return []
    if len(words) <= size:
        return [(words[0][0], words[-1][1])]
    return [(words[first][0], words[first + size - 1][1])
            for first in range(0, len(words) - size + 1, size - overlap)]
