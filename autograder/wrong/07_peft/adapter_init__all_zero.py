import torch


def adapter_init(d_model: int, bottleneck: int, seed: int) -> dict[str, torch.Tensor]:
    """Mistake: starts every parameter at zero: the adapter is the identity, but GELU(0) = 0
    means no gradient reaches any of its parameters, so it never trains."""
    return {"W_down": torch.zeros(bottleneck, d_model), "b_down": torch.zeros(bottleneck),
            "W_up": torch.zeros(d_model, bottleneck), "b_up": torch.zeros(d_model)}
