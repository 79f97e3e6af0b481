def gpt_forward(ids: torch.Tensor, params: dict[str, torch.Tensor], n_head: int) -> torch.Tensor:
    """Mistake: finds the layers by sorting the key names as strings (h.10 runs after h.1)."""
    import torch.nn.functional as F

    B, T = ids.shape
    wte = params["wte.weight"]
    x = wte[ids] + params["wpe.weight"][:T]
    prefixes = sorted({'.'.join(k.split('.')[:2]) + '.' for k in params if k.startswith('h.')})
    for prefix in prefixes:
        x = transformer_block(x, {k[len(prefix):]: v for k, v in params.items()
                                  if k.startswith(prefix)}, n_head)
    x = F.layer_norm(x, (x.shape[-1],), params["ln_f.weight"], params["ln_f.bias"], 1e-5)
    return x @ wte.T
