import math

import torch


def adapter_init(d_model: int, bottleneck: int, seed: int) -> dict[str, torch.Tensor]:
    """Mistake: draws W_down from the global random generator and ignores `seed`."""
    return {"W_down": torch.randn(bottleneck, d_model) / math.sqrt(d_model),
            "b_down": torch.zeros(bottleneck),
            "W_up": torch.zeros(d_model, bottleneck),
            "b_up": torch.zeros(d_model)}
