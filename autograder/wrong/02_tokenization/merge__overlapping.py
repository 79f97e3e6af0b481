def merge(ids: list[int], pair: tuple[int, int], new_id: int) -> list[int]:
    """Mistake: after a match it advances by one token, so matches overlap: [a, a, a] -> [X, X, a]."""
    out, i = [], 0
    while i < len(ids):
        if i + 1 < len(ids) and ids[i] == pair[0] and ids[i + 1] == pair[1]:
            out.append(new_id)
        else:
            out.append(ids[i])
        i += 1
    return out
