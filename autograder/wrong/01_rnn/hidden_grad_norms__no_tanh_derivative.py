def hidden_grad_norms(xs: torch.Tensor, h0: torch.Tensor, W_ih: torch.Tensor, W_hh: torch.Tensor,
                      b_ih: torch.Tensor, b_hh: torch.Tensor) -> torch.Tensor:
    """Wrong: the backward recursion by hand, forgetting the tanh derivative (1 - h^2)."""
    h = h0
    for t in range(xs.shape[1]):
        h = torch.tanh(xs[:, t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
    grad = torch.ones_like(h)
    norms = [grad.norm()]
    for t in range(xs.shape[1] - 1):
        grad = grad @ W_hh
        norms.append(grad.norm())
    return torch.stack(norms[::-1])
