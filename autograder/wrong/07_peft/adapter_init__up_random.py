import math

import torch


def adapter_init(d_model: int, bottleneck: int, seed: int) -> dict[str, torch.Tensor]:
    """Mistake: initialises the up-projection at random like any layer, so the adapter
    disturbs the pre-trained model before it has learnt anything."""
    gen = torch.Generator().manual_seed(seed)
    return {"W_down": torch.randn(bottleneck, d_model, generator=gen) / math.sqrt(d_model),
            "b_down": torch.zeros(bottleneck),
            "W_up": torch.randn(d_model, bottleneck, generator=gen) / math.sqrt(bottleneck),
            "b_up": torch.zeros(d_model)}
