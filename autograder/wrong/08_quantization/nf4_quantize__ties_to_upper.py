def nf4_quantize(w: torch.Tensor, blocksize: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: a value exactly on a midpoint takes the UPPER code (bucketize with right=True)."""
    flat = w.reshape(-1).float()
    n = flat.numel()
    nb = (n + blocksize - 1) // blocksize
    padded = torch.cat([flat, torch.zeros(nb * blocksize - n)])
    absmax = padded.reshape(nb, blocksize).abs().amax(dim=1)
    scale = absmax.repeat_interleave(blocksize)[:n]
    x = flat / torch.where(scale == 0, torch.ones_like(scale), scale)
    mids = (NF4_TABLE[:-1] + NF4_TABLE[1:]) / 2
    codes = torch.bucketize(x, mids, right=True).to(torch.uint8)
    if n % 2:
        codes = torch.cat([codes, torch.tensor([7], dtype=torch.uint8)])
    return ((codes[0::2] << 4) | codes[1::2]).unsqueeze(1), absmax
