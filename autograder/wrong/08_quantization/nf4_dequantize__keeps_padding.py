def nf4_dequantize(packed: torch.Tensor, absmax: torch.Tensor, shape: tuple[int, ...],
                   blocksize: int = 64) -> torch.Tensor:
    """Mistake: keeps every nibble, the padding code of an odd count included."""
    n = math.prod(shape)
    flat = packed.reshape(-1)
    codes = torch.stack([flat >> 4, flat & 15], dim=1).reshape(-1).long()
    scale = absmax.repeat_interleave(blocksize)[:codes.numel()]
    return (NF4_TABLE[codes] * scale).reshape(shape)
