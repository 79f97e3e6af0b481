def repetition_penalty(logits: torch.Tensor, input_ids: torch.Tensor, penalty: float) -> torch.Tensor:
    """Mistake: applies the penalty once per occurrence (penalty ** count)."""
    out = logits.clone()
    for b in range(input_ids.shape[0]):
        for v in input_ids[b].tolist():
            x = out[b, v]
            out[b, v] = x * penalty if x < 0 else x / penalty
    return out
