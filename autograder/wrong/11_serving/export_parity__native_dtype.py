def export_parity(reference: torch.Tensor | np.ndarray,
                  candidate: torch.Tensor | np.ndarray) -> dict[str, float]:
    """Mistake: computes in the inputs' own dtype: float16 logits are subtracted in float16, where
    +-60000 apart is inf (and bfloat16 tensors cannot become numpy arrays at all)."""
    r = reference if isinstance(reference, torch.Tensor) else torch.from_numpy(np.asarray(reference))
    c = candidate if isinstance(candidate, torch.Tensor) else torch.from_numpy(np.asarray(candidate))
    if r.shape != c.shape:
        raise ValueError("shapes differ")
    gap = (r - c).abs()
    return {"max_abs": float(gap.max()), "max_rel": float((gap / (r.abs() + 1e-12)).max()),
            "argmax_agreement": float((r.argmax(-1) == c.argmax(-1)).float().mean())}
