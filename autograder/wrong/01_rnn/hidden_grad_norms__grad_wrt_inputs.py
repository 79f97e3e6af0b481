def hidden_grad_norms(xs: torch.Tensor, h0: torch.Tensor, W_ih: torch.Tensor, W_hh: torch.Tensor,
                      b_ih: torch.Tensor, b_hh: torch.Tensor) -> torch.Tensor:
    """Wrong: measures dL/dx_t (the inputs) instead of dL/dh_t (the hidden states)."""
    xs = xs.detach().clone().requires_grad_(True)
    h = h0
    for t in range(xs.shape[1]):
        h = torch.tanh(xs[:, t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
    h.sum().backward()
    return xs.grad.norm(dim=(0, 2)).detach()
