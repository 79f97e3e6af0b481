def rnn_cell(x: torch.Tensor, h: torch.Tensor, W_ih: torch.Tensor, W_hh: torch.Tensor,
             b_ih: torch.Tensor, b_hh: torch.Tensor) -> torch.Tensor:
    """Mistake: handles the unbatched case by adding a batch dimension and squeezing it off
    again unconditionally, so a batch of one (B = 1) comes back as shape (H,)."""
    x2 = x.reshape(-1, x.shape[-1])
    h2 = h.reshape(-1, h.shape[-1])
    out = torch.tanh(x2 @ W_ih.T + b_ih + h2 @ W_hh.T + b_hh)
    return out.squeeze(0)
