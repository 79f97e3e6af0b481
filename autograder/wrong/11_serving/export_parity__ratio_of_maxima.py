def export_parity(reference: torch.Tensor | np.ndarray,
                  candidate: torch.Tensor | np.ndarray) -> dict[str, float]:
    """Mistake: max_rel as the ratio of the maxima, max|r - c| / max|r|, which hides a large
    relative error on a small logit."""
    r = np.asarray(torch.as_tensor(reference).double())
    c = np.asarray(torch.as_tensor(candidate).double())
    if r.shape != c.shape:
        raise ValueError("shapes differ")
    gap = np.abs(r - c)
    return {"max_abs": float(gap.max()), "max_rel": float(gap.max() / (np.abs(r).max() + 1e-12)),
            "argmax_agreement": float(np.mean(r.argmax(-1) == c.argmax(-1)))}
