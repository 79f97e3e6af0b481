def gptq_quantize(weight: torch.Tensor, H: torch.Tensor, bits: int = 4, blocksize: int = 128,
                  percdamp: float = 0.01) -> torch.Tensor:
    """Correct alternative: a plain loop over the columns (ignores blocksize), with the Cholesky factor taken of torch.linalg.inv(H)."""
    W = weight.detach().float().clone()
    H = H.detach().float().clone()
    maxq = 2 ** bits - 1
    rmin = W.amin(dim=1).clamp(max=0)
    rmax = W.amax(dim=1).clamp(min=0)
    zero_rows = (rmin == 0) & (rmax == 0)
    rmin = rmin.masked_fill(zero_rows, -1.0)
    rmax = rmax.masked_fill(zero_rows, 1.0)
    s = (rmax - rmin) / maxq
    z = torch.round(-rmin / s)
    idle = torch.diagonal(H) == 0
    H[idle, idle] = 1.0
    W[:, idle] = 0.0
    H = H + percdamp * torch.diagonal(H).mean() * torch.eye(H.shape[0])
    U = torch.linalg.cholesky(torch.linalg.inv(H), upper=True)
    out = torch.zeros_like(W)
    for j in range(W.shape[1]):
        q = s * (torch.clamp(torch.round(W[:, j] / s) + z, 0, maxq) - z)
        out[:, j] = q
        W[:, j:] -= torch.outer((W[:, j] - q) / U[j, j], U[j, j:])
    return out
