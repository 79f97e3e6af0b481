def rouge_l(hypothesis: str, reference: str) -> float:
    """Mistake: tokens are runs of \\w (re.findall(r"\\w+")), which also takes accented letters,
    '_' and other Unicode word characters, where rouge-score keeps only a-z and 0-9."""
    import re

    h = re.findall(r"\w+", hypothesis.lower())
    r = re.findall(r"\w+", reference.lower())
    if not h or not r:
        return 0.0
    previous = [0] * (len(r) + 1)
    for a in h:
        row = [0]
        for j, b in enumerate(r):
            row.append(previous[j] + 1 if a == b else max(previous[j + 1], row[j]))
        previous = row
    lcs = previous[-1]
    if lcs == 0:
        return 0.0
    precision, recall = lcs / len(h), lcs / len(r)
    return 2 * precision * recall / (precision + recall)
