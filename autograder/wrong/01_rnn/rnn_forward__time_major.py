def rnn_forward(xs: torch.Tensor, h0: torch.Tensor, W_ih: torch.Tensor, W_hh: torch.Tensor,
                b_ih: torch.Tensor, b_hh: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Wrong: loops over the first dimension as if xs were (T, B, D) (PyTorch's default layout)."""
    h = h0
    states = []
    for t in range(xs.shape[0]):
        h = torch.tanh(xs[t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
        states.append(h)
    return torch.stack(states, dim=1), h
