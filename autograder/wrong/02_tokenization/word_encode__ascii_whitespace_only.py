def word_encode(text: str, vocab: dict[str, int]) -> list[int]:
    """Mistake: splits with a regex that only knows ASCII whitespace, so a no-break space or an
    ideographic space does not separate words."""
    import re

    unk = vocab["<unk>"]
    return [vocab.get(word, unk) for word in re.findall(r"[^ \t\n\r\f\v]+", text)]
