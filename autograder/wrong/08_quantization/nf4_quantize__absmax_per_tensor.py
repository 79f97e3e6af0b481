def nf4_quantize(w: torch.Tensor, blocksize: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: one absmax for the whole tensor instead of one per block."""
    flat = w.reshape(-1).float()
    n = flat.numel()
    absmax = flat.abs().max().reshape(1)
    x = flat / (absmax if float(absmax) > 0 else torch.ones(1))
    mids = (NF4_TABLE[:-1] + NF4_TABLE[1:]) / 2
    codes = torch.bucketize(x, mids).to(torch.uint8)
    if n % 2:
        codes = torch.cat([codes, torch.tensor([7], dtype=torch.uint8)])
    return ((codes[0::2] << 4) | codes[1::2]).unsqueeze(1), absmax
