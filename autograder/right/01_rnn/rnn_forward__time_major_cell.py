def rnn_forward(xs: torch.Tensor, h0: torch.Tensor, W_ih: torch.Tensor, W_hh: torch.Tensor,
                b_ih: torch.Tensor, b_hh: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Correct alternative: iterates over the time-major view with the learner's own rnn_cell,
    then permutes back to batch first."""
    h, outs = h0, []
    for x_t in xs.transpose(0, 1):               # (T, B, D): one x_t per step
        h = rnn_cell(x_t, h, W_ih, W_hh, b_ih, b_hh)
        outs.append(h)
    return torch.stack(outs).permute(1, 0, 2).contiguous(), h
