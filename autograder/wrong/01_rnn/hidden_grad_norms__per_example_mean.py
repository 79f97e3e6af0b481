def hidden_grad_norms(xs: torch.Tensor, h0: torch.Tensor, W_ih: torch.Tensor, W_hh: torch.Tensor,
                      b_ih: torch.Tensor, b_hh: torch.Tensor) -> torch.Tensor:
    """Wrong: the mean over the batch of per-example norms, not the norm of the whole gradient."""
    h = h0.detach().clone().requires_grad_(True)
    states = []
    for t in range(xs.shape[1]):
        h = torch.tanh(xs[:, t] @ W_ih.T + b_ih + h @ W_hh.T + b_hh)
        h.retain_grad()
        states.append(h)
    states[-1].sum().backward()
    return torch.stack([s.grad.norm(dim=-1).mean() for s in states]).detach()
