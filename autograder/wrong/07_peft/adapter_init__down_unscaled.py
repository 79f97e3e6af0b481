import torch


def adapter_init(d_model: int, bottleneck: int, seed: int) -> dict[str, torch.Tensor]:
    """Mistake: draws W_down from N(0, 1) without the 1 / sqrt(d_model) factor, so W_down h is
    sqrt(d_model) times larger than h."""
    gen = torch.Generator().manual_seed(seed)
    return {"W_down": torch.randn(bottleneck, d_model, generator=gen),
            "b_down": torch.zeros(bottleneck),
            "W_up": torch.zeros(d_model, bottleneck),
            "b_up": torch.zeros(d_model)}
