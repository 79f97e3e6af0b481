def nf4_quantize(w: torch.Tensor, blocksize: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: calls bitsandbytes' quantize_4bit (forbidden)."""
    import bitsandbytes.functional as bnbf

    packed, state = bnbf.quantize_4bit(w, blocksize=blocksize, quant_type="nf4")
    return packed, state.absmax
