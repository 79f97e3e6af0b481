def nf4_quantize(w: torch.Tensor, blocksize: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: makes the blocks within each row of the last dimension (padding every row) instead of over the flattened tensor."""
    rows = w.reshape(-1, w.shape[-1]).float()
    n = rows.numel()
    per_row = (rows.shape[1] + blocksize - 1) // blocksize
    padded = torch.nn.functional.pad(rows, (0, per_row * blocksize - rows.shape[1]))
    absmax = padded.reshape(rows.shape[0], per_row, blocksize).abs().amax(dim=2).reshape(-1)
    scale = absmax.reshape(rows.shape[0], per_row).repeat_interleave(blocksize, dim=1)[:, :rows.shape[1]]
    x = (rows / torch.where(scale == 0, torch.ones_like(scale), scale)).reshape(-1)
    mids = (NF4_TABLE[:-1] + NF4_TABLE[1:]) / 2
    codes = torch.bucketize(x, mids).to(torch.uint8)
    if n % 2:
        codes = torch.cat([codes, torch.tensor([7], dtype=torch.uint8)])
    return ((codes[0::2] << 4) | codes[1::2]).unsqueeze(1), absmax
