def export_parity(reference: torch.Tensor | np.ndarray,
                  candidate: torch.Tensor | np.ndarray) -> dict[str, float]:
    """Correct alternative: everything in torch, float64."""
    r = torch.as_tensor(reference).detach().to(torch.float64) if isinstance(reference, torch.Tensor) \
        else torch.from_numpy(np.array(reference, dtype=np.float64))
    c = torch.as_tensor(candidate).detach().to(torch.float64) if isinstance(candidate, torch.Tensor) \
        else torch.from_numpy(np.array(candidate, dtype=np.float64))
    if tuple(r.shape) != tuple(c.shape):
        raise ValueError(f"{tuple(r.shape)} != {tuple(c.shape)}")
    err = (r - c).abs()
    hits = (r.argmax(dim=-1) == c.argmax(dim=-1)).to(torch.float64)
    return {"max_abs": err.max().item(), "max_rel": (err / (r.abs() + 1e-12)).max().item(),
            "argmax_agreement": hits.mean().item()}
