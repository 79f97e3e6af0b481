def rnn_forward(xs: torch.Tensor, h0: torch.Tensor, W_ih: torch.Tensor, W_hh: torch.Tensor,
                b_ih: torch.Tensor, b_hh: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Wrong: every step starts from h0 instead of the previous state."""
    states = []
    for t in range(xs.shape[1]):
        h = torch.tanh(xs[:, t] @ W_ih.T + b_ih + h0 @ W_hh.T + b_hh)
        states.append(h)
    return torch.stack(states, dim=1), h
