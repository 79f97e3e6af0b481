import math

import torch


def adapter_init(d_model: int, bottleneck: int, seed: int) -> dict[str, torch.Tensor]:
    """Mistake: fills W_down with one constant 1 / sqrt(d_model): every bottleneck unit computes
    the same thing (and the gradients keep them equal), so the bottleneck has width one."""
    return {"W_down": torch.full((bottleneck, d_model), 1 / math.sqrt(d_model)),
            "b_down": torch.zeros(bottleneck),
            "W_up": torch.zeros(d_model, bottleneck),
            "b_up": torch.zeros(d_model)}
