import torch


def lora_merge(weight: torch.Tensor, A: torch.Tensor, B: torch.Tensor, alpha: float,
               fan_in_fan_out: bool = False, use_rslora: bool = False) -> torch.Tensor:
    """Mistake: lets peft compute the delta (forbidden: peft.tuners.lora.layer.Linear)."""
    from peft import LoraConfig
    from peft.tuners.lora import Linear
    from transformers.pytorch_utils import Conv1D

    if fan_in_fan_out:
        base = Conv1D(weight.shape[1], weight.shape[0])
    else:
        base = torch.nn.Linear(weight.shape[1], weight.shape[0])
    base = base.to(weight.dtype)
    r = A.shape[0]
    config = LoraConfig(r=r, lora_alpha=alpha, use_rslora=use_rslora, fan_in_fan_out=fan_in_fan_out)
    layer = Linear(base, "default", config=config, r=r, lora_alpha=alpha,
                   is_target_conv_1d_layer=fan_in_fan_out).to(A.dtype)
    with torch.no_grad():
        layer.lora_A["default"].weight.copy_(A)
        layer.lora_B["default"].weight.copy_(B)
        return weight + layer.get_delta_weight("default")
