import torch
import torch.nn.functional as F


def adapter_forward(h: torch.Tensor, params: dict[str, torch.Tensor]) -> torch.Tensor:
    """Mistake: applies GELU after the up-projection instead of inside the bottleneck."""
    down = h @ params["W_down"].T + params["b_down"]
    return h + F.gelu(down @ params["W_up"].T + params["b_up"])
