import torch


def lora_forward(x: torch.Tensor, base: torch.nn.Module, A: torch.Tensor, B: torch.Tensor,
                 alpha: float, use_rslora: bool = False) -> torch.Tensor:
    """Correct alternative: flattens the leading dimensions into rows, sums the rank-one
    contributions B[:, j] (A[j] . x) one rank at a time, and restores the shape."""
    r = A.shape[0]
    denominator = float(r) ** (0.5 if use_rslora else 1.0)
    rows = x.reshape(-1, x.shape[-1])
    update = torch.zeros(rows.shape[0], B.shape[0], dtype=rows.dtype)
    for j in range(r):
        update = update + torch.outer(rows @ A[j], B[:, j])
    update = update.reshape(*x.shape[:-1], B.shape[0])
    return base(x) + (alpha / denominator) * update
