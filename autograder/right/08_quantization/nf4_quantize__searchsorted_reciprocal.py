def nf4_quantize(w: torch.Tensor, blocksize: int = 64) -> tuple[torch.Tensor, torch.Tensor]:
    """Correct alternative: torch.searchsorted on the midpoints and w times the reciprocal of the absmax, as bitsandbytes' kernel does."""
    vals = w.reshape(-1).to(torch.float32)
    n = vals.numel()
    nb = -(-n // blocksize)
    grid = torch.nn.functional.pad(vals, (0, nb * blocksize - n)).view(nb, blocksize)
    absmax = grid.abs().amax(dim=1)
    x = (grid * (1.0 / absmax.clamp(min=1e-38))[:, None]).clamp(-1, 1).reshape(-1)[:n]
    codes = torch.searchsorted((NF4_TABLE[1:] + NF4_TABLE[:-1]) / 2, x).to(torch.uint8)
    codes = torch.nn.functional.pad(codes, (0, n % 2), value=7)
    return (codes.view(-1, 2)[:, 0] * 16 + codes.view(-1, 2)[:, 1]).view(-1, 1), absmax
