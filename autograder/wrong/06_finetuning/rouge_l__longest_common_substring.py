def rouge_l(hypothesis: str, reference: str) -> float:
    """Mistake: the longest common SUBSTRING (adjacent tokens only) instead of subsequence."""
    import re

    h = re.sub(r"[^a-z0-9]+", " ", hypothesis.lower()).split()
    r = re.sub(r"[^a-z0-9]+", " ", reference.lower()).split()
    if not h or not r:
        return 0.0
    best, previous = 0, [0] * (len(r) + 1)
    for a in h:
        row = [0]
        for j, b in enumerate(r):
            row.append(previous[j] + 1 if a == b else 0)
        best = max(best, max(row))
        previous = row
    if best == 0:
        return 0.0
    precision, recall = best / len(h), best / len(r)
    return 2 * precision * recall / (precision + recall)
