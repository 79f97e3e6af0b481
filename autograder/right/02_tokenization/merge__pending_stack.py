def merge(ids: list[int], pair: tuple[int, int], new_id: int) -> list[int]:
    """Correct alternative: streams the tokens, remembering whether the last emitted token is an
    unmerged first half of the pair (so a merged token is never merged again)."""
    out, open_first = [], False
    for tok in ids:
        if open_first and tok == pair[1]:
            out[-1] = new_id
            open_first = False
        else:
            out.append(tok)
            open_first = tok == pair[0]
    return out
