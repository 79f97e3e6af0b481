def teacher_forcing_loss(logits: torch.Tensor, targets: torch.Tensor, pad_id: int) -> torch.Tensor:
    """Wrong: masks the padding but divides by B * T instead of the number of real tokens."""
    logp = torch.log_softmax(logits, dim=-1)
    nll = -logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
    return (nll * (targets != pad_id)).sum() / targets.numel()
