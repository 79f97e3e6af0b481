def swiglu_mlp(x: torch.Tensor, w_gate: torch.Tensor, w_up: torch.Tensor,
               w_down: torch.Tensor) -> torch.Tensor:
    """Mistake: returns the gated hidden units (..., F) without the down projection."""
    g = x @ w_gate.T
    return g * torch.sigmoid(g) * (x @ w_up.T)
