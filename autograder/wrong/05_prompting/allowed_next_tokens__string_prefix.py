def allowed_next_tokens(sequences: list[list[int]], prefix: list[int]) -> set[int]:
    """Mistake: compares the sequences as text ("12 3".startswith("1")), so [12, 3] seems to
    continue the prefix [1]."""
    n = len(prefix)
    key = " ".join(str(t) for t in prefix)
    return {seq[n] for seq in sequences
            if len(seq) > n and " ".join(str(t) for t in seq).startswith(key)}
