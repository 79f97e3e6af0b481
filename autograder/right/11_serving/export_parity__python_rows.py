def export_parity(reference: torch.Tensor | np.ndarray,
                  candidate: torch.Tensor | np.ndarray) -> dict[str, float]:
    """Correct alternative: flatten to rows of Python floats (float64) and loop."""
    def rows(a):
        if isinstance(a, torch.Tensor):
            a = a.detach().double().numpy()
        a = np.asarray(a, dtype=np.float64)
        return a.shape, a.reshape(-1, a.shape[-1]).tolist()

    shape_r, rr = rows(reference)
    shape_c, cc = rows(candidate)
    if shape_r != shape_c:
        raise ValueError("the two arrays have different shapes")
    worst_abs = worst_rel = 0.0
    agree = 0
    for a, b in zip(rr, cc):
        for x, y in zip(a, b):
            worst_abs = max(worst_abs, abs(x - y))
            worst_rel = max(worst_rel, abs(x - y) / (abs(x) + 1e-12))
        agree += a.index(max(a)) == b.index(max(b))
    return {"max_abs": worst_abs, "max_rel": worst_rel, "argmax_agreement": agree / len(rr)}
