def allowed_next_tokens(sequences: list[list[int]], prefix: list[int]) -> set[int]:
    """Mistake: checks only the last token of the prefix."""
    n = len(prefix)
    return {seq[n] for seq in sequences if len(seq) > n and (n == 0 or seq[n - 1] == prefix[-1])}
