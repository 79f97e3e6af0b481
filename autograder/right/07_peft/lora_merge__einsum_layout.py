import torch


def lora_merge(weight: torch.Tensor, A: torch.Tensor, B: torch.Tensor, alpha: float,
               fan_in_fan_out: bool = False, use_rslora: bool = False) -> torch.Tensor:
    """Correct alternative: builds the update directly in the weight's layout with einsum
    (no transpose), and adds it with torch.add(..., alpha=scaling)."""
    r = A.shape[0]
    scaling = alpha / (r ** 0.5) if use_rslora else alpha / r
    spec = "or,ri->io" if fan_in_fan_out else "or,ri->oi"
    return torch.add(weight, torch.einsum(spec, B, A).to(weight.dtype), alpha=scaling)
