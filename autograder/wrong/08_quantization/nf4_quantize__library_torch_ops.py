def nf4_quantize(w: torch.Tensor, blocksize: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: calls bitsandbytes' kernel through the dispatcher, torch.ops (forbidden)."""
    import bitsandbytes  # noqa: F401 - registers torch.ops.bitsandbytes

    return torch.ops.bitsandbytes.quantize_4bit.default(w, blocksize, "nf4", torch.uint8)
