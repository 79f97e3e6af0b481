def nf4_dequantize(packed: torch.Tensor, absmax: torch.Tensor, shape: tuple[int, ...],
                   blocksize: int = 64) -> torch.Tensor:
    """Mistake: reshapes the values into full blocks, which fails (or drops values) when the last block is shorter."""
    n = math.prod(shape)
    flat = packed.reshape(-1)
    codes = torch.stack([flat >> 4, flat & 15], dim=1).reshape(-1)[:n].long()
    blocks = NF4_TABLE[codes].reshape(-1, blocksize)
    return (blocks * absmax[:, None]).reshape(shape)
