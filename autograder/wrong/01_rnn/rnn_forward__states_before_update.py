def rnn_forward(xs: torch.Tensor, h0: torch.Tensor, W_ih: torch.Tensor, W_hh: torch.Tensor,
                b_ih: torch.Tensor, b_hh: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Wrong (off by one): records each state before updating it, so hs starts with h0."""
    h = h0
    states = []
    for t in range(xs.shape[1]):
        states.append(h)
        h = torch.tanh(xs[:, t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
    return torch.stack(states, dim=1), h
