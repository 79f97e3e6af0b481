def rnn_cell(x: torch.Tensor, h: torch.Tensor, W_ih: torch.Tensor, W_hh: torch.Tensor,
             b_ih: torch.Tensor, b_hh: torch.Tensor) -> torch.Tensor:
    """Forbidden: calls PyTorch's fused RNN-cell kernel directly."""
    if x.dim() == 1:
        return torch.rnn_tanh_cell(x[None], h[None], W_ih, W_hh, b_ih, b_hh)[0]
    return torch.rnn_tanh_cell(x, h, W_ih, W_hh, b_ih, b_hh)
