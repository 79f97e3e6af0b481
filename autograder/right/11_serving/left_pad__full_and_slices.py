def left_pad(sequences: list[list[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Correct alternative: preallocated tensors filled row by row from the right."""
    if len(sequences) < 1:
        raise ValueError("at least one sequence")
    n, width = len(sequences), max(map(len, sequences))
    ids = torch.full((n, width), pad_id, dtype=torch.int64)
    mask = torch.zeros(n, width, dtype=torch.int64)
    for i, seq in enumerate(sequences):
        if not seq:
            raise ValueError(f"sequence {i} is empty")
        ids[i, -len(seq):] = torch.as_tensor(seq, dtype=torch.int64)
        mask[i, -len(seq):] = 1
    return ids, mask
