def left_pad(sequences: list[list[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: int32 tensors (smaller, but an embedding lookup and the docstring want int64)."""
    if not sequences or any(len(s) == 0 for s in sequences):
        raise ValueError("empty")
    width = max(len(s) for s in sequences)
    ids = [[pad_id] * (width - len(s)) + list(s) for s in sequences]
    mask = [[0] * (width - len(s)) + [1] * len(s) for s in sequences]
    return torch.tensor(ids, dtype=torch.int32), torch.tensor(mask, dtype=torch.int32)
