import torch
import torch.nn.functional as F


def adapter_forward(h: torch.Tensor, params: dict[str, torch.Tensor]) -> torch.Tensor:
    """Mistake: copies the parameters with torch.tensor(v.tolist()) before use: the values are
    right, but no gradient reaches the adapter's parameters."""
    p = {k: torch.tensor(v.tolist(), dtype=v.dtype) for k, v in params.items()}
    return h + F.gelu(h @ p["W_down"].T + p["b_down"]) @ p["W_up"].T + p["b_up"]
