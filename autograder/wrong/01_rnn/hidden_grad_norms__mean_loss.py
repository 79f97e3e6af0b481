def hidden_grad_norms(xs: torch.Tensor, h0: torch.Tensor, W_ih: torch.Tensor, W_hh: torch.Tensor,
                      b_ih: torch.Tensor, b_hh: torch.Tensor) -> torch.Tensor:
    """Wrong: L = mean of h_T instead of its sum (every gradient scaled by 1 / (B H))."""
    h = h0.detach().clone().requires_grad_(True)
    states = []
    for t in range(xs.shape[1]):
        h = torch.tanh(xs[:, t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
        h.retain_grad()
        states.append(h)
    states[-1].mean().backward()
    return torch.stack([s.grad.norm() for s in states]).detach()
