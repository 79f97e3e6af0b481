def rnn_cell(x: torch.Tensor, h: torch.Tensor, W_ih: torch.Tensor, W_hh: torch.Tensor,
             b_ih: torch.Tensor, b_hh: torch.Tensor) -> torch.Tensor:
    """Wrong: sigmoid instead of tanh."""
    return torch.sigmoid(x @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
