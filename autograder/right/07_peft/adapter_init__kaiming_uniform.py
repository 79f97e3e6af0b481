import math

import torch


def adapter_init(d_model: int, bottleneck: int, seed: int) -> dict[str, torch.Tensor]:
    """Correct alternative: nn.Linear's own initialisation for W_down (Kaiming uniform with
    a = sqrt(5), i.e. U(-1/sqrt(d), 1/sqrt(d))), drawn from a seeded generator."""
    g = torch.Generator().manual_seed(seed)
    W_down = torch.empty(bottleneck, d_model)
    torch.nn.init.kaiming_uniform_(W_down, a=math.sqrt(5), generator=g)
    return {"W_down": W_down, "b_down": W_down.new_zeros(bottleneck),
            "W_up": W_down.new_zeros(d_model, bottleneck), "b_up": W_down.new_zeros(d_model)}
