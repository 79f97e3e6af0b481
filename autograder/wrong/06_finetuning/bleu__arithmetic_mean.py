def bleu(hypotheses: list[str], references: list[str], max_n: int = 4) -> float:
    """Mistake: combines the n-gram precisions with an arithmetic mean instead of a geometric one."""
    def ngrams(tokens, n):
        counts = {}
        for i in range(len(tokens) - n + 1):
            gram = tuple(tokens[i:i + n])
            counts[gram] = counts.get(gram, 0) + 1
        return counts

    matches, totals = [0] * max_n, [0] * max_n
    hyp_len = ref_len = 0
    for hyp, ref in zip(hypotheses, references):
        h, r = hyp.split(), ref.split()
        hyp_len, ref_len = hyp_len + len(h), ref_len + len(r)
        for n in range(1, max_n + 1):
            h_counts, r_counts = ngrams(h, n), ngrams(r, n)
            matches[n - 1] += sum(min(c, r_counts.get(g, 0)) for g, c in h_counts.items())
            totals[n - 1] += sum(h_counts.values())
    if min(matches) == 0:
        return 0.0
    mean_precision = sum(m / t for m, t in zip(matches, totals)) / max_n
    brevity = 1.0 if hyp_len > ref_len else math.exp(1 - ref_len / hyp_len)
    return brevity * mean_precision
