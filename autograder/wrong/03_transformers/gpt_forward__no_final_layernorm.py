def gpt_forward(ids: torch.Tensor, params: dict[str, torch.Tensor], n_head: int) -> torch.Tensor:
    """Mistake: skips the final LayerNorm ln_f before the head."""
    import torch.nn.functional as F

    B, T = ids.shape
    wte = params["wte.weight"]
    x = wte[ids] + params["wpe.weight"][:T]
    layer = 0
    while f"h.{layer}.ln_1.weight" in params:
        prefix = f"h.{layer}."
        x = transformer_block(x, {k[len(prefix):]: v for k, v in params.items()
                                  if k.startswith(prefix)}, n_head)
        layer += 1
    return x @ wte.T
