def merge(ids: list[int], pair: tuple[int, int], new_id: int) -> list[int]:
    """Mistake: scans right to left, so [a, a, a] with (a, a) becomes [a, X]."""
    out, i = [], len(ids) - 1
    while i >= 0:
        if i >= 1 and ids[i - 1] == pair[0] and ids[i] == pair[1]:
            out.append(new_id)
            i -= 2
        else:
            out.append(ids[i])
            i -= 1
    return out[::-1]
