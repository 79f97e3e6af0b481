def rnn_forward(xs: torch.Tensor, h0: torch.Tensor, W_ih: torch.Tensor, W_hh: torch.Tensor,
                b_ih: torch.Tensor, b_hh: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Mistake: precomputes the input projections with xs.view(B * T, D), which fails on a
    non-contiguous xs (e.g. a time-major tensor transposed to batch first)."""
    B, T, D = xs.shape
    inp = (xs.view(B * T, D) @ W_ih.T + b_ih).view(B, T, -1)
    h = h0
    states = []
    for t in range(T):
        h = torch.tanh(inp[:, t] + h @ W_hh.T + b_hh)
        states.append(h)
    return torch.stack(states, dim=1), h
