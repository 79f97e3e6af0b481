import torch


def teacher_forcing_loss(logits: torch.Tensor, targets: torch.Tensor, pad_id: int) -> torch.Tensor:
    """Mistake: computed under torch.no_grad() ("it is only a number"): the value is right, but
    no gradient reaches the logits, so a training loop built on it learns nothing."""
    with torch.no_grad():
        logp = torch.log_softmax(logits, dim=-1)
        nll = -logp.gather(-1, targets.unsqueeze(-1)).squeeze(-1)
        mask = (targets != pad_id).to(nll.dtype)
        return (nll * mask).sum() / mask.sum()
