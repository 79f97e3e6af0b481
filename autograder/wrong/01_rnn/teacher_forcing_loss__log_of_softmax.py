def teacher_forcing_loss(logits: torch.Tensor, targets: torch.Tensor, pad_id: int) -> torch.Tensor:
    """Mistake: log(softmax(...)) instead of log_softmax: a probability that underflows to 0
    for confident logits gives log(0) = -inf, so the loss becomes inf."""
    logp = torch.log(torch.softmax(logits, dim=-1))
    nll = -logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    mask = (targets != pad_id).to(nll.dtype)
    return (nll * mask).sum() / mask.sum()
