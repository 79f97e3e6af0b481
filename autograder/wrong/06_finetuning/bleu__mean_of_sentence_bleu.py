def bleu(hypotheses: list[str], references: list[str], max_n: int = 4) -> float:
    """Mistake: averages sentence-level BLEU scores instead of pooling the counts of the corpus."""
    def ngrams(tokens, n):
        counts = {}
        for i in range(len(tokens) - n + 1):
            gram = tuple(tokens[i:i + n])
            counts[gram] = counts.get(gram, 0) + 1
        return counts

    def sentence(hyp, ref):
        h, r = hyp.split(), ref.split()
        matches, totals = [0] * max_n, [0] * max_n
        for n in range(1, max_n + 1):
            h_counts, r_counts = ngrams(h, n), ngrams(r, n)
            matches[n - 1] = sum(min(c, r_counts.get(g, 0)) for g, c in h_counts.items())
            totals[n - 1] = sum(h_counts.values())
        if min(matches) == 0:
            return 0.0
        log_precision = sum(math.log(m / t) for m, t in zip(matches, totals)) / max_n
        brevity = 1.0 if len(h) > len(r) else math.exp(1 - len(r) / len(h))
        return brevity * math.exp(log_precision)

    scores = [sentence(h, r) for h, r in zip(hypotheses, references)]
    return sum(scores) / len(scores)
