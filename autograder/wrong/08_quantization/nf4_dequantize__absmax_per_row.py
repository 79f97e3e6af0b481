def nf4_dequantize(packed: torch.Tensor, absmax: torch.Tensor, shape: tuple[int, ...],
                   blocksize: int = 64) -> torch.Tensor:
    """Mistake: assigns the scales by rows of the last dimension (block = column index // blocksize within each row) instead of over the flattened tensor."""
    n = math.prod(shape)
    flat = packed.reshape(-1)
    codes = torch.stack([flat >> 4, flat & 15], dim=1).reshape(-1)[:n].long()
    values = NF4_TABLE[codes].reshape(-1, shape[-1])
    per_row = -(-shape[-1] // blocksize)
    block = torch.arange(values.shape[0])[:, None] * per_row + torch.arange(shape[-1])[None, :] // blocksize
    return (values * absmax[block.clamp(max=absmax.numel() - 1)]).reshape(shape)
