def precision_recall_f1(y_true: list, y_pred: list, average: str = "binary",
                        positive: int | str = 1) -> tuple[float, float, float]:
    """Correct alternative: count (true, predicted) pairs once; per class TP = pairs (c, c),
    FP = predicted c minus TP, FN = true c minus TP; F1 as the harmonic mean of P and R."""
    pairs = {}
    for t, p in zip(y_true, y_pred):
        pairs[(t, p)] = pairs.get((t, p), 0) + 1

    def counts(c):
        tp = pairs.get((c, c), 0)
        pred = sum(n for (t, p), n in pairs.items() if p == c)
        true = sum(n for (t, p), n in pairs.items() if t == c)
        return tp, pred - tp, true - tp

    def prf(tp, fp, fn):
        precision = 0.0 if tp + fp == 0 else tp / (tp + fp)
        recall = 0.0 if tp + fn == 0 else tp / (tp + fn)
        f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
        return precision, recall, f1

    if average == "binary":
        return prf(*counts(positive))
    labels = set(y_true) | set(y_pred)
    per = [counts(c) for c in labels]
    if average == "micro":
        return prf(*(sum(x[i] for x in per) for i in range(3)))
    scores = [prf(*c) for c in per]
    return tuple(float(sum(s[i] for s in scores) / len(scores)) for i in range(3))
