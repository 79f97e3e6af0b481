def nf4_dequantize(packed: torch.Tensor, absmax: torch.Tensor, shape: tuple[int, ...],
                   blocksize: int = 64) -> torch.Tensor:
    """Mistake: reads the low nibble first."""
    n = math.prod(shape)
    flat = packed.reshape(-1)
    codes = torch.stack([flat & 15, flat >> 4], dim=1).reshape(-1)[:n].long()
    scale = absmax.repeat_interleave(blocksize)[:n]
    return (NF4_TABLE[codes] * scale).reshape(shape)
