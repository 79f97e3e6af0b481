def rnn_forward(xs: torch.Tensor, h0: torch.Tensor, W_ih: torch.Tensor, W_hh: torch.Tensor,
                b_ih: torch.Tensor, b_hh: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Correct alternative: projects all inputs at once, then fills a preallocated (B, T, H)
    tensor step by step."""
    B, T, _ = xs.shape
    inp = xs @ W_ih.T + (b_ih + b_hh)             # (B, T, H)
    hs = torch.empty(B, T, h0.shape[1], dtype=inp.dtype)
    h = h0
    for t in range(T):
        h = torch.tanh(inp[:, t] + h @ W_hh.T)
        hs[:, t] = h
    return hs, hs[:, -1].clone()
