def export_parity(reference: torch.Tensor | np.ndarray,
                  candidate: torch.Tensor | np.ndarray) -> dict[str, float]:
    """Mistake: computes in float32 and returns numpy float32 scalars, not Python floats (and
    float32 rounds what float64 keeps)."""
    r = np.asarray(torch.as_tensor(reference).float())
    c = np.asarray(torch.as_tensor(candidate).float())
    if r.shape != c.shape:
        raise ValueError("shapes differ")
    gap = np.abs(r - c)
    return {"max_abs": gap.max(), "max_rel": (gap / (np.abs(r) + np.float32(1e-12))).max(),
            "argmax_agreement": np.float32(np.mean(r.argmax(-1) == c.argmax(-1)))}
