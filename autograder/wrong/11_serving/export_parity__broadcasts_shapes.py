def export_parity(reference: torch.Tensor | np.ndarray,
                  candidate: torch.Tensor | np.ndarray) -> dict[str, float]:
    """Mistake: no shape check: numpy broadcasts (2, 3) against (1, 3) and reports a comparison
    of logits that do not correspond."""
    r = np.asarray(torch.as_tensor(reference).double())
    c = np.asarray(torch.as_tensor(candidate).double())
    gap = np.abs(r - c)
    return {"max_abs": float(gap.max()), "max_rel": float((gap / (np.abs(r) + 1e-12)).max()),
            "argmax_agreement": float(np.mean(r.argmax(-1) == c.argmax(-1)))}
