def teacher_forcing_loss(logits: torch.Tensor, targets: torch.Tensor, pad_id: int) -> torch.Tensor:
    """Wrong: the mean of per-sequence means (over-weights short sequences)."""
    logp = torch.log_softmax(logits, dim=-1)
    nll = -logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    mask = (targets != pad_id).float()
    return ((nll * mask).sum(dim=1) / mask.sum(dim=1)).mean()
