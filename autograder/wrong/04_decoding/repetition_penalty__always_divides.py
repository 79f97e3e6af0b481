def repetition_penalty(logits: torch.Tensor, input_ids: torch.Tensor, penalty: float) -> torch.Tensor:
    """Mistake: divides every seen logit, which RAISES negative ones."""
    seen = torch.zeros_like(logits, dtype=torch.bool).scatter(1, input_ids, True)
    return torch.where(seen, logits / penalty, logits)
