def merge(ids: list[int], pair: tuple[int, int], new_id: int) -> list[int]:
    """Mistake: the loop stops one token early and forgets a last unmerged token."""
    out, i = [], 0
    while i < len(ids) - 1:
        if ids[i] == pair[0] and ids[i + 1] == pair[1]:
            out.append(new_id)
            i += 2
        else:
            out.append(ids[i])
            i += 1
    return out
