def left_pad(sequences: list[list[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: pads the caller's lists in place (seq[:0] = pads) before stacking them: the
    caller's prompts change."""
    if not sequences or any(len(s) == 0 for s in sequences):
        raise ValueError("empty")
    width = max(len(s) for s in sequences)
    mask = []
    for s in sequences:
        mask.append([0] * (width - len(s)) + [1] * len(s))
        s[:0] = [pad_id] * (width - len(s))
    return torch.tensor(sequences, dtype=torch.long), torch.tensor(mask, dtype=torch.long)
