def swiglu_mlp(x: torch.Tensor, w_gate: torch.Tensor, w_up: torch.Tensor,
               w_down: torch.Tensor) -> torch.Tensor:
    """Mistake: applies SiLU to the up projection and gates with the raw gate projection."""
    u = x @ w_up.T
    return (u * torch.sigmoid(u) * (x @ w_gate.T)) @ w_down.T
