import torch


def lora_targets(model: torch.nn.Module, target_modules: str | list[str],
                 r: int) -> dict[str, int]:
    """Mistake: asks peft which modules match (forbidden:
    peft.tuners.tuners_utils.check_target_module_exists)."""
    from peft import LoraConfig
    from peft.tuners.tuners_utils import check_target_module_exists
    from transformers.pytorch_utils import Conv1D

    config = LoraConfig(r=r, target_modules=target_modules)
    found = {}
    for name, module in model.named_modules():
        if not name or not check_target_module_exists(config, name):
            continue
        if isinstance(module, torch.nn.Linear):
            found[name] = r * (module.in_features + module.out_features)
        elif isinstance(module, Conv1D):
            found[name] = r * sum(module.weight.shape)
        elif isinstance(module, torch.nn.Embedding):
            found[name] = r * (module.num_embeddings + module.embedding_dim)
        else:
            raise ValueError(f"LoRA cannot wrap {name}")
    if not found:
        raise ValueError("nothing matches")
    return found
