import math

import torch

_GENERATOR = None


def adapter_init(d_model: int, bottleneck: int, seed: int) -> dict[str, torch.Tensor]:
    """Mistake: creates the seeded generator once, in a global, and keeps drawing from it: the
    second call with the same seed gets different weights."""
    global _GENERATOR
    if _GENERATOR is None:
        _GENERATOR = torch.Generator().manual_seed(seed)
    return {"W_down": torch.randn(bottleneck, d_model, generator=_GENERATOR) / math.sqrt(d_model),
            "b_down": torch.zeros(bottleneck),
            "W_up": torch.zeros(d_model, bottleneck),
            "b_up": torch.zeros(d_model)}
