import torch


def adapter_forward(h: torch.Tensor, params: dict[str, torch.Tensor]) -> torch.Tensor:
    """Mistake: uses ReLU between the projections instead of GELU."""
    hidden = torch.relu(h @ params["W_down"].T + params["b_down"])
    return h + hidden @ params["W_up"].T + params["b_up"]
