import torch


def dora_forward(x: torch.Tensor, base: torch.nn.Linear, A: torch.Tensor, B: torch.Tensor,
                 magnitude: torch.Tensor, alpha: float) -> torch.Tensor:
    """Mistake: calls peft's DoraLinearLayer (forbidden)."""
    from peft.tuners.lora.dora import DoraLinearLayer

    r = A.shape[0]
    lora_A = torch.nn.Linear(A.shape[1], r, bias=False, dtype=A.dtype)
    lora_B = torch.nn.Linear(r, B.shape[0], bias=False, dtype=B.dtype)
    lora_A.weight = torch.nn.Parameter(A)
    lora_B.weight = torch.nn.Parameter(B)
    layer = DoraLinearLayer(fan_in_fan_out=False)
    layer.weight = torch.nn.Parameter(magnitude)
    extra = layer(x, lora_A=lora_A, lora_B=lora_B, scaling=alpha / r, base_layer=base,
                  base_result=base(x))
    return base(x) + extra
