import torch
import torch.nn.functional as F


def adapter_forward(h: torch.Tensor, params: dict[str, torch.Tensor]) -> torch.Tensor:
    """Mistake: uses the tanh approximation of GELU (GPT-2's), not the exact erf form."""
    hidden = F.gelu(h @ params["W_down"].T + params["b_down"], approximate="tanh")
    return h + hidden @ params["W_up"].T + params["b_up"]
