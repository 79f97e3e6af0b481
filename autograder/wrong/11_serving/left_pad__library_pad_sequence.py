def left_pad(sequences: list[list[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: lets PyTorch pad (pad_sequence with padding_side="left"; the task forbids it)."""
    if not sequences or any(len(s) == 0 for s in sequences):
        raise ValueError("empty")
    from torch.nn.utils.rnn import pad_sequence

    ids = pad_sequence([torch.tensor(s) for s in sequences], batch_first=True,
                       padding_value=pad_id, padding_side="left")
    mask = pad_sequence([torch.ones(len(s), dtype=torch.long) for s in sequences], batch_first=True,
                        padding_value=0, padding_side="left")
    return ids.long(), mask.long()
