def rnn_cell(x: torch.Tensor, h: torch.Tensor, W_ih: torch.Tensor, W_hh: torch.Tensor,
             b_ih: torch.Tensor, b_hh: torch.Tensor) -> torch.Tensor:
    """Correct alternative: the textbook column-vector form W x + b, with an unbatched input
    promoted to a batch of one and squeezed back."""
    single = x.dim() == 1
    X = x[:, None] if single else x.T             # (D, B)
    Hm = h[:, None] if single else h.T            # (H, B)
    out = torch.tanh(W_ih @ X + b_ih[:, None] + W_hh @ Hm + b_hh[:, None])   # (H, B)
    return out[:, 0] if single else out.T
