def word_encode(text: str, vocab: dict[str, int]) -> list[int]:
    """Correct alternative: an explicit loop with a membership test, <unk> looked up once."""
    ids = []
    for word in text.split():
        if word in vocab:
            ids.append(vocab[word])
        else:
            ids.append(vocab["<unk>"])
    return ids
