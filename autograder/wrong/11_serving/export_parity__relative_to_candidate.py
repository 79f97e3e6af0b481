def export_parity(reference: torch.Tensor | np.ndarray,
                  candidate: torch.Tensor | np.ndarray) -> dict[str, float]:
    """Mistake: the relative error divides by the candidate, |r - c| / |c|: the reference is the
    model being copied."""
    r = np.asarray(torch.as_tensor(reference).double())
    c = np.asarray(torch.as_tensor(candidate).double())
    if r.shape != c.shape:
        raise ValueError("shapes differ")
    gap = np.abs(r - c)
    return {"max_abs": float(gap.max()), "max_rel": float((gap / (np.abs(c) + 1e-12)).max()),
            "argmax_agreement": float(np.mean(r.argmax(-1) == c.argmax(-1)))}
