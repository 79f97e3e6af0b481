def chunk_spans(text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    """Correct alternative: the words from re.finditer(r"\\S+") (Python's \\s is str.isspace),
    the window starts from range() and a break at the window that reaches the last word."""
    import re

    if size < 1 or overlap < 0 or overlap >= size:
        raise ValueError("size must be >= 1 and overlap in [0, size)")
    words = [m.span() for m in re.finditer(r"\S+", text)]
    spans = []
    for first in range(0, len(words), size - overlap):
        last = min(first + size, len(words)) - 1
        spans.append((words[first][0], words[last][1]))
        if first + size >= len(words):
            break
    return spans
