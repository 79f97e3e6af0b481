def merge(ids: list[int], pair: tuple[int, int], new_id: int) -> list[int]:
    """Correct alternative: a for loop over positions with a skip flag for the second token of a
    merged pair."""
    a, b = pair
    out, skip = [], False
    for i, tok in enumerate(ids):
        if skip:
            skip = False
            continue
        if tok == a and i + 1 < len(ids) and ids[i + 1] == b:
            out.append(new_id)
            skip = True
        else:
            out.append(tok)
    return out
