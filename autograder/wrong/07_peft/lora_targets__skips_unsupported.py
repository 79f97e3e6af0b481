import re

import torch
from transformers.pytorch_utils import Conv1D


def lora_targets(model: torch.nn.Module, target_modules: str | list[str],
                 r: int) -> dict[str, int]:
    """Mistake: silently skips matched modules LoRA cannot wrap (LayerNorm, attention blocks)
    and returns {} when nothing matches, where peft raises ValueError."""
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
            found[name] = r * (module.in_features + module.out_features)
        elif isinstance(module, Conv1D):
            found[name] = r * sum(module.weight.shape)
        elif isinstance(module, torch.nn.Embedding):
            found[name] = r * (module.num_embeddings + module.embedding_dim)
    return found
