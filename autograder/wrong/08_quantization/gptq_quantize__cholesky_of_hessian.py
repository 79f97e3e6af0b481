def gptq_quantize(weight: torch.Tensor, H: torch.Tensor, bits: int = 4, blocksize: int = 128,
                  percdamp: float = 0.01) -> torch.Tensor:
    """Mistake: uses the upper Cholesky factor of H itself instead of that of its inverse."""
    W = weight.detach().clone().float()
    H = H.detach().clone().float()
    maxq = 2 ** bits - 1
    lo = torch.clamp(W.min(dim=1).values, max=0.0)
    hi = torch.clamp(W.max(dim=1).values, min=0.0)
    flat = (lo == 0) & (hi == 0)
    lo[flat], hi[flat] = -1.0, 1.0
    scale = (hi - lo) / maxq
    zero = torch.round(-lo / scale)
    dead = torch.diag(H) == 0
    H[dead, dead] = 1.0
    W[:, dead] = 0.0
    H += percdamp * torch.mean(torch.diag(H)) * torch.eye(H.shape[0])
    U = torch.linalg.cholesky(H, upper=True)
    Q = torch.zeros_like(W)
    for j in range(W.shape[1]):
        q = scale * (torch.clamp(torch.round(W[:, j] / scale) + zero, 0, maxq) - zero)
        Q[:, j] = q
        err = (W[:, j] - q) / U[j, j]
        W[:, j:] -= err[:, None] * U[j, j:][None, :]
    return Q
