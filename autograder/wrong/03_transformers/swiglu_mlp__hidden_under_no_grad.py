def swiglu_mlp(x: torch.Tensor, w_gate: torch.Tensor, w_up: torch.Tensor,
               w_down: torch.Tensor) -> torch.Tensor:
    """Mistake: computes the hidden units under torch.no_grad() to save memory, so nothing
    before the down projection is trained."""
    with torch.no_grad():
        g = x @ w_gate.T
        h = g * torch.sigmoid(g) * (x @ w_up.T)
    return h @ w_down.T
