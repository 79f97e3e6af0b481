import math

import torch

_DELTA = {}


def lora_forward(x: torch.Tensor, base: torch.nn.Module, A: torch.Tensor, B: torch.Tensor,
                 alpha: float, use_rslora: bool = False) -> torch.Tensor:
    """Mistake: caches the update B @ A in a global, keyed by its shape "for speed": a later
    call with other A and B of the same shape reuses the stale update."""
    r = A.shape[0]
    scaling = alpha / math.sqrt(r) if use_rslora else alpha / r
    key = (tuple(A.shape), tuple(B.shape))
    if key not in _DELTA:
        _DELTA[key] = (B @ A).detach()
    return base(x) + scaling * (x @ _DELTA[key].T)
