def chunk_spans(text: str, size: int, overlap: int) -> list[tuple[int, int]]:
    """Mistake: finds each word's offset with text.find(word) from the start of the text, which
    gives the first occurrence of a repeated word."""
    if size < 1 or not 0 <= overlap < size:
        raise ValueError("need size >= 1 and 0 <= overlap < size")
    words = text.split()
    spans, first = [], 0
    while first < len(words):
        last = min(first + size, len(words)) - 1
        start = text.find(words[first])
        end = text.find(words[last], start) + len(words[last])
        spans.append((start, end))
        if last == len(words) - 1:
            break
        first += size - overlap
    return spans
