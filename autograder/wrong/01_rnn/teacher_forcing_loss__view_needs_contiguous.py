def teacher_forcing_loss(logits: torch.Tensor, targets: torch.Tensor, pad_id: int) -> torch.Tensor:
    """Mistake: flattens with logits.view(-1, V) / targets.view(-1), which fails when the
    logits are a non-contiguous view (e.g. time-major decoder output transposed to batch first)."""
    V = logits.shape[-1]
    flat, tgt = logits.view(-1, V), targets.view(-1)
    logp = torch.log_softmax(flat, dim=-1)
    nll = -logp[torch.arange(tgt.numel()), tgt]
    mask = tgt != pad_id
    return nll[mask].mean()
