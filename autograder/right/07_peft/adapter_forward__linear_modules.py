import torch
import torch.nn.functional as F


def adapter_forward(h: torch.Tensor, params: dict[str, torch.Tensor]) -> torch.Tensor:
    """Correct alternative: F.linear for both projections and GELU written out with erf."""
    z = F.linear(h, params["W_down"], params["b_down"])
    hidden = 0.5 * z * (1.0 + torch.erf(z / 2 ** 0.5))
    return torch.add(h, F.linear(hidden, params["W_up"], params["b_up"]))
