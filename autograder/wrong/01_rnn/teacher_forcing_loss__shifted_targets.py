def teacher_forcing_loss(logits: torch.Tensor, targets: torch.Tensor, pad_id: int) -> torch.Tensor:
    """Wrong: shifts once more, scoring targets[:, t + 1] with logits[:, t]."""
    logp = torch.log_softmax(logits[:, :-1], dim=-1)
    tgt = targets[:, 1:]
    nll = -logp.gather(-1, tgt.unsqueeze(-1)).squeeze(-1)
    mask = (tgt != pad_id).float()
    return (nll * mask).sum() / mask.sum()
