def merge(ids: list[int], pair: tuple[int, int], new_id: int) -> list[int]:
    """Mistake: joins the ids into a string and uses str.replace, which also matches digits
    inside other ids ("11 2" contains "1 2")."""
    s = " ".join(str(i) for i in ids)
    s = s.replace(f"{pair[0]} {pair[1]}", str(new_id))
    return [int(t) for t in s.split()]
