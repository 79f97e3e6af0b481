def export_parity(reference: torch.Tensor | np.ndarray,
                  candidate: torch.Tensor | np.ndarray) -> dict[str, float]:
    """Mistake: one argmax of the whole flattened array instead of one per position."""
    r = np.asarray(torch.as_tensor(reference).double())
    c = np.asarray(torch.as_tensor(candidate).double())
    if r.shape != c.shape:
        raise ValueError("shapes differ")
    gap = np.abs(r - c)
    return {"max_abs": float(gap.max()), "max_rel": float((gap / (np.abs(r) + 1e-12)).max()),
            "argmax_agreement": float(r.argmax() == c.argmax())}
