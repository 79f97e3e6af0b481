def rouge_l(hypothesis: str, reference: str) -> float:
    """Mistake: counts the common tokens in any order (that is ROUGE-1), not the common subsequence."""
    import re

    h = re.sub(r"[^a-z0-9]+", " ", hypothesis.lower()).split()
    r = re.sub(r"[^a-z0-9]+", " ", reference.lower()).split()
    if not h or not r:
        return 0.0
    overlap = sum(min(h.count(w), r.count(w)) for w in set(h))
    if overlap == 0:
        return 0.0
    precision, recall = overlap / len(h), overlap / len(r)
    return 2 * precision * recall / (precision + recall)
