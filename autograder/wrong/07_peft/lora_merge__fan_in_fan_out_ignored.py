import math

import torch


def lora_merge(weight: torch.Tensor, A: torch.Tensor, B: torch.Tensor, alpha: float,
               fan_in_fan_out: bool = False, use_rslora: bool = False) -> torch.Tensor:
    """Mistake: ignores fan_in_fan_out, adding B @ A (out, in) to a Conv1D weight stored
    (in, out): a shape error, or a silently wrong weight when the layer is square."""
    r = A.shape[0]
    scaling = alpha / math.sqrt(r) if use_rslora else alpha / r
    return weight + scaling * (B @ A)
