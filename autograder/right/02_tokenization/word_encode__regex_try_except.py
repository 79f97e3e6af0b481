def word_encode(text: str, vocab: dict[str, int]) -> list[int]:
    """Correct alternative: words found with re.finditer(r"\\S+") and KeyError handling."""
    import re

    out = []
    for m in re.finditer(r"\S+", text):
        try:
            out.append(vocab[m.group()])
        except KeyError:
            out.append(0)
    return out
