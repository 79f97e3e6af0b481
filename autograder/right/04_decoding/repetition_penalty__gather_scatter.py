def repetition_penalty(logits: torch.Tensor, input_ids: torch.Tensor, penalty: float) -> torch.Tensor:
    """Correct alternative: gather the seen logits, penalise them, scatter them back into a copy
    (a token that occurs twice is written twice with the same value)."""
    seen = torch.gather(logits, 1, input_ids)
    seen = torch.where(seen < 0, seen * penalty, seen / penalty)
    return logits.clone().scatter_(1, input_ids, seen)
