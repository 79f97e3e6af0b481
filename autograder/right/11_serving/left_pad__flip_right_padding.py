def left_pad(sequences: list[list[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """Correct alternative: pad the reversed prompts on the right, then flip the columns."""
    if len(sequences) == 0 or min(len(s) for s in sequences) == 0:
        raise ValueError("nothing to pad")
    width = max(len(s) for s in sequences)
    rev = torch.tensor([list(reversed(s)) + [pad_id] * (width - len(s)) for s in sequences])
    keep = torch.tensor([[1] * len(s) + [0] * (width - len(s)) for s in sequences])
    return rev.flip(1).to(torch.int64), keep.flip(1).to(torch.int64)
