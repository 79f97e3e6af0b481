def teacher_forcing_loss(logits: torch.Tensor, targets: torch.Tensor, pad_id: int) -> torch.Tensor:
    """Mistake: a hand-written log-softmax, log(sum(exp(z))) without subtracting the max first,
    which overflows to inf for large logits."""
    lse = torch.log(torch.exp(logits).sum(dim=-1))
    nll = lse - logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    mask = targets != pad_id
    return nll[mask].mean()
