def causal_lm_loss(logits: torch.Tensor, input_ids: torch.Tensor,
                   attention_mask: torch.Tensor | None = None) -> torch.Tensor:
    """Correct alternative: log_softmax + gather of the next tokens, a float weight mask built
    from attention_mask[:, 1:] (all ones when None), weighted mean."""
    logp = torch.log_softmax(logits[:, :-1].float(), dim=-1)
    nll = -logp.gather(-1, input_ids[:, 1:, None]).squeeze(-1)          # (B, T-1)
    if attention_mask is None:
        w = torch.ones_like(nll)
    else:
        w = (attention_mask[:, 1:] != 0).to(nll.dtype)
    return (nll * w).sum() / w.sum()
