import re

import torch


def lora_targets(model: torch.nn.Module, target_modules: str | list[str],
                 r: int) -> dict[str, int]:
    """Mistake: treats every matched module that has a weight as a LoRA layer (a LayerNorm's
    1-D weight too) and skips the rest silently, instead of raising ValueError for layers LoRA
    cannot wrap."""
    found = {}
    for name, module in model.named_modules():
        if not name:
            continue
        if isinstance(target_modules, str):
            hit = re.fullmatch(target_modules, name) is not None
        else:
            hit = any(name == t or name.endswith("." + t) for t in target_modules)
        weight = getattr(module, "weight", None)
        if hit and isinstance(weight, torch.Tensor):
            found[name] = r * sum(weight.shape)
    if not found:
        raise ValueError(f"target_modules {target_modules!r} matches no module")
    return found
