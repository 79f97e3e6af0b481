def teacher_forcing_loss(logits: torch.Tensor, targets: torch.Tensor, pad_id: int) -> torch.Tensor:
    """Correct alternative: -log softmax written as logsumexp minus the target's logit, and the
    mean taken over the real positions selected by boolean indexing."""
    real = targets != pad_id
    picked = logits.gather(-1, targets[..., None])[..., 0]
    nll = torch.logsumexp(logits, dim=-1) - picked
    return nll[real].mean()
