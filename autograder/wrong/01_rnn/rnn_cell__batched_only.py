def rnn_cell(x: torch.Tensor, h: torch.Tensor, W_ih: torch.Tensor, W_hh: torch.Tensor,
             b_ih: torch.Tensor, b_hh: torch.Tensor) -> torch.Tensor:
    """Wrong: torch.mm only accepts matrices, so an unbatched example fails."""
    return torch.tanh(torch.mm(x, W_ih.t()) + b_ih + torch.mm(h, W_hh.t()) + b_hh)
