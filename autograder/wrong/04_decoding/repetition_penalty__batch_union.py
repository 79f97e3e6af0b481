def repetition_penalty(logits: torch.Tensor, input_ids: torch.Tensor, penalty: float) -> torch.Tensor:
    """Mistake: penalises, in every row, the tokens seen in ANY row of the batch."""
    seen = torch.zeros(logits.shape[-1], dtype=torch.bool)
    seen[input_ids.reshape(-1)] = True
    penalised = torch.where(logits < 0, logits * penalty, logits / penalty)
    return torch.where(seen[None, :], penalised, logits)
