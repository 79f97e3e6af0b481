def nf4_dequantize(packed: torch.Tensor, absmax: torch.Tensor, shape: tuple[int, ...],
                   blocksize: int = 64) -> torch.Tensor:
    """Correct alternative: a loop over the blocks, each code read with integer division and modulo."""
    n = math.prod(shape)
    data = packed.reshape(-1).tolist()
    codes = []
    for byte in data:
        codes += [byte // 16, byte % 16]
    codes = torch.tensor(codes[:n])
    out = torch.empty(n, dtype=torch.float32)
    for b, start in enumerate(range(0, n, blocksize)):
        out[start:start + blocksize] = NF4_TABLE[codes[start:start + blocksize]] * absmax[b].float()
    return out.view(shape)
