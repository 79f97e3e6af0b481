def precision_recall_f1(y_true: list, y_pred: list, average: str = "binary",
                        positive: int | str = 1) -> tuple[float, float, float]:
    """Mistake: calls scikit-learn (the test forbids sklearn.metrics.precision_recall_fscore_support)."""
    from sklearn.metrics import precision_recall_fscore_support

    if average == "binary":
        p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, labels=[positive], average=None,
                                                     zero_division=0)
        return float(p[0]), float(r[0]), float(f[0])
    p, r, f, _ = precision_recall_fscore_support(y_true, y_pred, average=average, zero_division=0)
    return float(p), float(r), float(f)
