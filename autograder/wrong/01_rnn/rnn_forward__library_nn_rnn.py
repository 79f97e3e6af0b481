def rnn_forward(xs: torch.Tensor, h0: torch.Tensor, W_ih: torch.Tensor, W_hh: torch.Tensor,
                b_ih: torch.Tensor, b_hh: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Forbidden: copies the weights into torch.nn.RNN instead of writing the loop."""
    rnn = torch.nn.RNN(W_ih.shape[1], W_ih.shape[0], batch_first=True)
    with torch.no_grad():
        rnn.weight_ih_l0.copy_(W_ih)
        rnn.weight_hh_l0.copy_(W_hh)
        rnn.bias_ih_l0.copy_(b_ih)
        rnn.bias_hh_l0.copy_(b_hh)
        hs, hn = rnn(xs, h0[None])
    return hs, hn[0]
