def repetition_penalty(logits: torch.Tensor, input_ids: torch.Tensor, penalty: float) -> torch.Tensor:
    """Mistake: penalises the caller's logits in place instead of returning a new tensor."""
    seen = torch.zeros_like(logits, dtype=torch.bool).scatter(1, input_ids, True)
    penalised = torch.where(logits < 0, logits * penalty, logits / penalty)
    logits[seen] = penalised[seen]
    return logits
