def left_pad(sequences: list[list[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: the mask is input_ids != pad_id, so a real token equal to pad_id is masked."""
    if not sequences or any(len(s) == 0 for s in sequences):
        raise ValueError("empty")
    width = max(len(s) for s in sequences)
    ids = torch.tensor([[pad_id] * (width - len(s)) + list(s) for s in sequences], dtype=torch.long)
    return ids, (ids != pad_id).long()
