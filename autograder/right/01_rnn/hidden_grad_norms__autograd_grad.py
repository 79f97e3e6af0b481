def hidden_grad_norms(xs: torch.Tensor, h0: torch.Tensor, W_ih: torch.Tensor, W_hh: torch.Tensor,
                      b_ih: torch.Tensor, b_hh: torch.Tensor) -> torch.Tensor:
    """Correct alternative: torch.autograd.grad on the list of states (no retain_grad, no
    .backward()), norms collected as Python floats."""
    with torch.enable_grad():
        h = h0.detach().requires_grad_(True)
        states = []
        for t in range(xs.shape[1]):
            h = torch.tanh(xs[:, t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
            states.append(h)
        grads = torch.autograd.grad(states[-1].sum(), states, allow_unused=True)
    return torch.tensor([0.0 if g is None else float(g.norm()) for g in grads])
