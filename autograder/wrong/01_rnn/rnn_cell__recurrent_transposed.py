def rnn_cell(x: torch.Tensor, h: torch.Tensor, W_ih: torch.Tensor, W_hh: torch.Tensor,
             b_ih: torch.Tensor, b_hh: torch.Tensor) -> torch.Tensor:
    """Wrong: h @ W_hh (transposed recurrent weight; the shapes still fit because it is square)."""
    return torch.tanh(x @ W_ih.T + b_ih + h @ W_hh + b_hh)
