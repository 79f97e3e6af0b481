import re

import torch
from transformers.pytorch_utils import Conv1D


def lora_targets(model: torch.nn.Module, target_modules: str | list[str],
                 r: int) -> dict[str, int]:
    """Mistake: counts only A (r * in) and forgets B (out * r)."""
    found = {}
    for name, module in model.named_modules():
        if not name:
            continue
        if isinstance(target_modules, str):
            hit = re.fullmatch(target_modules, name) is not None
        else:
            hit = any(name == t or name.endswith("." + t) for t in target_modules)
        if not hit:
            continue
        if isinstance(module, torch.nn.Linear):
            sizes = (module.in_features, module.out_features)
        elif isinstance(module, Conv1D):
            sizes = tuple(module.weight.shape)
        elif isinstance(module, torch.nn.Embedding):
            sizes = (module.num_embeddings, module.embedding_dim)
        else:
            raise ValueError(f"{name} is a {type(module).__name__}, which LoRA cannot wrap")
        found[name] = r * sizes[0]
    if not found:
        raise ValueError(f"target_modules {target_modules!r} matches no module")
    return found
