def causal_lm_loss(logits: torch.Tensor, input_ids: torch.Tensor,
                   attention_mask: torch.Tensor | None = None) -> torch.Tensor:
    """Mistake: log(softmax(...)) instead of log_softmax: for confident logits a probability
    underflows to 0 and log(0) = -inf makes the loss inf."""
    logp = torch.log(torch.softmax(logits[:, :-1].float(), dim=-1))
    nll = -logp.gather(-1, input_ids[:, 1:, None]).squeeze(-1)
    w = torch.ones_like(nll) if attention_mask is None else attention_mask[:, 1:].to(nll.dtype)
    return (nll * w).sum() / w.sum()
