def rouge_l(hypothesis: str, reference: str) -> float:
    """Mistake: returns the LCS recall, not the F-measure."""
    import re

    h = re.sub(r"[^a-z0-9]+", " ", hypothesis.lower()).split()
    r = re.sub(r"[^a-z0-9]+", " ", reference.lower()).split()
    if not h or not r:
        return 0.0
    previous = [0] * (len(r) + 1)
    for a in h:
        row = [0]
        for j, b in enumerate(r):
            row.append(previous[j] + 1 if a == b else max(previous[j + 1], row[j]))
        previous = row
    return previous[-1] / len(r)
