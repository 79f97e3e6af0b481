import math

import torch


def adapter_init(d_model: int, bottleneck: int, seed: int) -> dict[str, torch.Tensor]:
    """Mistake: stores the projections as (in, out) matrices, not nn.Linear's (out, in)."""
    gen = torch.Generator().manual_seed(seed)
    return {"W_down": torch.randn(d_model, bottleneck, generator=gen) / math.sqrt(d_model),
            "b_down": torch.zeros(bottleneck),
            "W_up": torch.zeros(bottleneck, d_model),
            "b_up": torch.zeros(d_model)}
