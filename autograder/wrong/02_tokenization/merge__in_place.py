def merge(ids: list[int], pair: tuple[int, int], new_id: int) -> list[int]:
    """Mistake: rewrites the caller's list in place (ids[i:i + 2] = [new_id]) and returns it,
    instead of building a new list."""
    i = 0
    while i < len(ids) - 1:
        if ids[i] == pair[0] and ids[i + 1] == pair[1]:
            ids[i:i + 2] = [new_id]
        i += 1
    return ids
