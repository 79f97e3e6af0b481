import torch
import torch.nn.functional as F


def adapter_forward(h: torch.Tensor, params: dict[str, torch.Tensor]) -> torch.Tensor:
    """Mistake: returns the bottleneck's output without adding h (no residual connection)."""
    return F.gelu(h @ params["W_down"].T + params["b_down"]) @ params["W_up"].T + params["b_up"]
