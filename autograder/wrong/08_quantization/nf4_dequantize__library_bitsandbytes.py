def nf4_dequantize(packed: torch.Tensor, absmax: torch.Tensor, shape: tuple[int, ...],
                   blocksize: int = 64) -> torch.Tensor:
    """Mistake: calls bitsandbytes' dequantize_4bit (forbidden)."""
    import bitsandbytes.functional as bnbf

    out = torch.empty(shape, dtype=torch.float32)
    return bnbf.dequantize_4bit(packed, absmax=absmax, out=out, blocksize=blocksize,
                                quant_type="nf4").reshape(shape)
