def precision_recall_f1(y_true: list, y_pred: list, average: str = "binary",
                        positive: int | str = 1) -> tuple[float, float, float]:
    """Mistake: macro F1 as the harmonic mean of the macro precision and recall, not the mean of the
    per-class F1 scores."""
    classes = [positive] if average == "binary" else sorted(set(y_true) | set(y_pred))
    tp, fp, fn = ({c: 0 for c in classes} for _ in range(3))
    for t, p in zip(y_true, y_pred):
        if t == p:
            if t in tp:
                tp[t] += 1
        else:
            if p in fp:
                fp[p] += 1
            if t in fn:
                fn[t] += 1

    def scores(tp, fp, fn):
        precision = tp / (tp + fp) if tp + fp > 0 else 0.0
        recall = tp / (tp + fn) if tp + fn > 0 else 0.0
        f1 = 2 * tp / (2 * tp + fp + fn) if tp + fp + fn > 0 else 0.0
        return precision, recall, f1

    if average == "micro":
        return scores(sum(tp.values()), sum(fp.values()), sum(fn.values()))
    per_class = [scores(tp[c], fp[c], fn[c]) for c in classes]
    precision = sum(s[0] for s in per_class) / len(per_class)
    recall = sum(s[1] for s in per_class) / len(per_class)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0
    return precision, recall, f1
