def allowed_next_tokens(sequences: list[list[int]], prefix: list[int]) -> set[int]:
    """Mistake: looks only at the prefix's length, not at its tokens."""
    n = len(prefix)
    return {seq[n] for seq in sequences if len(seq) > n}
