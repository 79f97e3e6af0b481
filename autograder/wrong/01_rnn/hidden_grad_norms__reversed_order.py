def hidden_grad_norms(xs: torch.Tensor, h0: torch.Tensor, W_ih: torch.Tensor, W_hh: torch.Tensor,
                      b_ih: torch.Tensor, b_hh: torch.Tensor) -> torch.Tensor:
    """Wrong: returns the norms by distance from the loss (last state first), not in time order."""
    h = h0.detach().clone().requires_grad_(True)
    states = []
    for t in range(xs.shape[1]):
        h = torch.tanh(xs[:, t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
        h.retain_grad()
        states.append(h)
    states[-1].sum().backward()
    return torch.stack([s.grad.norm() for s in reversed(states)]).detach()
