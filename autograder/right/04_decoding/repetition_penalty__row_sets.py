def repetition_penalty(logits: torch.Tensor, input_ids: torch.Tensor, penalty: float) -> torch.Tensor:
    """Correct alternative: a Python set of the tokens of each row, penalised one by one."""
    out = logits.clone()
    for b in range(logits.shape[0]):
        for v in set(input_ids[b].tolist()):
            x = logits[b, v]
            out[b, v] = x * penalty if x < 0 else x / penalty
    return out
