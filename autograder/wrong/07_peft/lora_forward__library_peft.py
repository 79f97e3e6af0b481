import torch


def lora_forward(x: torch.Tensor, base: torch.nn.Module, A: torch.Tensor, B: torch.Tensor,
                 alpha: float, use_rslora: bool = False) -> torch.Tensor:
    """Mistake: wraps base in peft's LoRA layer (forbidden: peft.tuners.lora.layer.Linear)."""
    import copy

    from peft import LoraConfig
    from peft.tuners.lora import Linear
    from transformers.pytorch_utils import Conv1D

    conv = isinstance(base, Conv1D)
    r = A.shape[0]
    config = LoraConfig(r=r, lora_alpha=alpha, use_rslora=use_rslora, fan_in_fan_out=conv)
    layer = Linear(copy.deepcopy(base), "default", config=config, r=r, lora_alpha=alpha,
                   is_target_conv_1d_layer=conv).to(A.dtype)
    layer.lora_A["default"].weight = torch.nn.Parameter(A)
    layer.lora_B["default"].weight = torch.nn.Parameter(B)
    return layer(x)
