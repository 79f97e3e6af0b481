def chunk_spans(text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    """Mistake: starts a window every size - overlap words all the way to the end, so windows
    after the one that reaches the last word (lying inside it) are returned too."""
    if size < 1 or not 0 <= overlap < size:
        raise ValueError("need size >= 1 and 0 <= overlap < size")
    import re

    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    spans = []
    for first in range(0, len(words), size - overlap):
        last = min(first + size, len(words)) - 1
        spans.append((words[first][0], words[last][1]))
    return spans
