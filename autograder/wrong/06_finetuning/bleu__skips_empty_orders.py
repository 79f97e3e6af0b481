def bleu(hypotheses: list[str], references: list[str], max_n: int = 4) -> float:
    """Mistake: leaves out the n-gram orders for which the hypotheses have no n-gram at all, so
    a 2-token output gets a BLEU-4 score."""
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
    orders = [(m, t) for m, t in zip(matches, totals) if t > 0]
    if not orders or min(m for m, _ in orders) == 0:
        return 0.0
    log_precision = sum(math.log(m / t) for m, t in orders) / len(orders)
    brevity = 1.0 if hyp_len > ref_len else math.exp(1 - ref_len / hyp_len)
    return brevity * math.exp(log_precision)
