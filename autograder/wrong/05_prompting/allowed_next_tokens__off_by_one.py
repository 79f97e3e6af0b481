def allowed_next_tokens(sequences: list[list[int]], prefix: list[int]) -> set[int]:
    """Mistake: returns the token after the next one (seq[len(prefix) + 1])."""
    n = len(prefix)
    return {seq[n + 1] for seq in sequences if len(seq) > n + 1 and list(seq[:n]) == list(prefix)}
