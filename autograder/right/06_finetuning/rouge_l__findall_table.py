def rouge_l(hypothesis: str, reference: str) -> float:
    """Correct alternative: tokens by re.findall of [a-z0-9]+ runs, the full LCS table, and
    F = 2 * lcs / (len(h) + len(r)) (the same harmonic mean)."""
    import re

    h = re.findall(r"[a-z0-9]+", hypothesis.lower())
    r = re.findall(r"[a-z0-9]+", reference.lower())
    if len(h) == 0 or len(r) == 0:
        return 0.0
    table = [[0] * (len(r) + 1) for _ in range(len(h) + 1)]
    for i in range(1, len(h) + 1):
        for j in range(1, len(r) + 1):
            if h[i - 1] == r[j - 1]:
                table[i][j] = table[i - 1][j - 1] + 1
            else:
                table[i][j] = max(table[i - 1][j], table[i][j - 1])
    lcs = table[-1][-1]
    return 0.0 if lcs == 0 else 2.0 * lcs / (len(h) + len(r))
