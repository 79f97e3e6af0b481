def nf4_dequantize(packed: torch.Tensor, absmax: torch.Tensor, shape: tuple[int, ...],
                   blocksize: int = 64) -> torch.Tensor:
    """Mistake: decodes the codes as an evenly spaced grid (code - 7) / 8 instead of looking them up in the NF4 table."""
    n = math.prod(shape)
    flat = packed.reshape(-1)
    codes = torch.stack([flat >> 4, flat & 15], dim=1).reshape(-1)[:n].float()
    scale = absmax.repeat_interleave(blocksize)[:n]
    return ((codes - 7) / 8 * scale).reshape(shape)
