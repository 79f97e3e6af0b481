def bleu(hypotheses: list[str], references: list[str], max_n: int = 4) -> float:
    """Correct alternative: clipped counts as the intersection (&) of collections.Counter objects;
    the geometric mean as a product of the precisions to the power 1 / max_n."""
    from collections import Counter

    clipped = [0] * (max_n + 1)
    total = [0] * (max_n + 1)
    c = r = 0
    for hyp, ref in zip(hypotheses, references):
        h, g = hyp.split(), ref.split()
        c += len(h)
        r += len(g)
        for n in range(1, max_n + 1):
            hc = Counter(zip(*[h[i:] for i in range(n)]))
            rc = Counter(zip(*[g[i:] for i in range(n)]))
            clipped[n] += sum((hc & rc).values())
            total[n] += sum(hc.values())
    if any(clipped[n] == 0 for n in range(1, max_n + 1)):
        return 0.0
    geo = 1.0
    for n in range(1, max_n + 1):
        geo *= (clipped[n] / total[n]) ** (1.0 / max_n)
    bp = 1.0 if c > r else math.exp(1.0 - r / c)
    return bp * geo
