import re

import torch


def lora_targets(model: torch.nn.Module, target_modules: str | list[str],
                 r: int) -> dict[str, int]:
    """Correct alternative: re.match with an end anchor instead of fullmatch, list matching by
    comparing the name's trailing dotted components, layer types recognised by class name, and
    sizes read from the weight's shape."""
    if isinstance(target_modules, str):
        pattern = re.compile(f"(?:{target_modules})\\Z")
        matches = lambda name: pattern.match(name) is not None
    else:
        def matches(name):
            parts = name.split(".")
            for entry in target_modules:
                k = len(entry.split("."))
                if ".".join(parts[-k:]) == entry:
                    return True
            return False
    result = {}
    for name, module in model.named_modules():
        if name == "" or not matches(name):
            continue
        kind = type(module).__name__
        if kind in ("Linear", "Conv1D", "Embedding"):
            result[name] = r * int(module.weight.shape[0] + module.weight.shape[1])
        else:
            raise ValueError(f"cannot put LoRA on {name}: {kind}")
    if len(result) == 0:
        raise ValueError("no target module found")
    return result
