def repetition_penalty(logits: torch.Tensor, input_ids: torch.Tensor, penalty: float) -> torch.Tensor:
    """Mistake: multiplies positive logits and divides negative ones (rewards repetition)."""
    seen = torch.zeros_like(logits, dtype=torch.bool).scatter(1, input_ids, True)
    rewarded = torch.where(logits < 0, logits / penalty, logits * penalty)
    return torch.where(seen, rewarded, logits)
