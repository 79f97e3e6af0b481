def gptq_quantize(weight: torch.Tensor, H: torch.Tensor, bits: int = 4, blocksize: int = 128,
                  percdamp: float = 0.01) -> torch.Tensor:
    """Correct alternative: the reference's lazy batch updates in float64, with H^-1 from torch.linalg.inv."""
    W = weight.detach().double().clone()
    H = H.detach().double().clone()
    maxq = 2 ** bits - 1
    lo = W.min(dim=1).values.clamp(max=0)
    hi = W.max(dim=1).values.clamp(min=0)
    both = (lo == 0) & (hi == 0)
    lo[both] = -1
    hi[both] = 1
    scale = ((hi - lo) / maxq)[:, None]
    zero = torch.round(-lo[:, None] / scale)
    dead = torch.diag(H) == 0
    H[dead, dead] = 1
    W[:, dead] = 0
    n = H.shape[0]
    H[range(n), range(n)] += percdamp * torch.diag(H).mean()
    Hinv = torch.linalg.cholesky(torch.linalg.inv(H), upper=True)
    Q = torch.zeros_like(W)
    for i1 in range(0, n, blocksize):
        i2 = min(i1 + blocksize, n)
        W1 = W[:, i1:i2].clone()
        Err1 = torch.zeros_like(W1)
        for i in range(i2 - i1):
            w = W1[:, i:i + 1]
            q = scale * (torch.clamp(torch.round(w / scale) + zero, 0, maxq) - zero)
            Q[:, i1 + i] = q[:, 0]
            e = (w - q) / Hinv[i1 + i, i1 + i]
            W1[:, i:] -= e @ Hinv[i1 + i, i1 + i:i2][None, :]
            Err1[:, i] = e[:, 0]
        W[:, i2:] -= Err1 @ Hinv[i1:i2, i2:]
    return Q.float()
