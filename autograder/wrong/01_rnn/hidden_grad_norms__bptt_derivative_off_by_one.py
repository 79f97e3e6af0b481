def hidden_grad_norms(xs: torch.Tensor, h0: torch.Tensor, W_ih: torch.Tensor, W_hh: torch.Tensor,
                      b_ih: torch.Tensor, b_hh: torch.Tensor) -> torch.Tensor:
    """Mistake: manual BPTT using the tanh derivative of h_t instead of h_(t+1)."""
    h, states = h0, []
    for t in range(xs.shape[1]):
        h = torch.tanh(xs[:, t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
        states.append(h)
    grad = torch.ones_like(h)
    norms = [grad.norm()]
    for t in range(len(states) - 1, 0, -1):
        grad = (grad * (1 - states[t - 1] ** 2)) @ W_hh
        norms.append(grad.norm())
    return torch.stack(norms[::-1])
