def chunk_spans(text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    """Mistake: words are separated by ASCII whitespace only (string.whitespace), so a no-break
    space or an ideographic space does not separate words."""
    import string

    if size < 1 or not 0 <= overlap < size:
        raise ValueError("need size >= 1 and 0 <= overlap < size")
    words, start = [], None
    for i, ch in enumerate(text):
        if ch in string.whitespace:
            if start is not None:
                words.append((start, i))
                start = None
        elif start is None:
            start = i
    if start is not None:
        words.append((start, len(text)))
    spans, first = [], 0
    while first < len(words):
        last = min(first + size, len(words)) - 1
        spans.append((words[first][0], words[last][1]))
        if last == len(words) - 1:
            break
        first += size - overlap
    return spans
