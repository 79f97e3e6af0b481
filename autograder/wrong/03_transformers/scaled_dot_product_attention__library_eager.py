def scaled_dot_product_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                                 mask: torch.Tensor | None = None
                                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: hands the work to the attention function of transformers' GPT-2 (each model in
    transformers has its own copy; all of them are off limits in this task)."""
    from transformers.models.gpt2.modeling_gpt2 import eager_attention_forward

    lead = torch.broadcast_shapes(q.shape[:-2], k.shape[:-2])
    q4, k4, v4 = (t.expand(*lead, *t.shape[-2:]).reshape(-1, 1, *t.shape[-2:]) for t in (q, k, v))
    additive = None
    if mask is not None:
        full = mask.expand(*lead, q.shape[-2], k.shape[-2]).reshape(-1, 1, q.shape[-2], k.shape[-2])
        additive = torch.zeros(full.shape, dtype=q.dtype).masked_fill(~full, float("-inf"))
    out, weights = eager_attention_forward(torch.nn.Module().eval(), q4, k4, v4, additive)
    out = out.transpose(1, 2).reshape(*lead, q.shape[-2], v.shape[-1])
    return out, weights.reshape(*lead, q.shape[-2], k.shape[-2])
