def swiglu_mlp(x: torch.Tensor, w_gate: torch.Tensor, w_up: torch.Tensor,
               w_down: torch.Tensor) -> torch.Tensor:
    """Mistake: applies SiLU after multiplying the two projections."""
    h = (x @ w_gate.T) * (x @ w_up.T)
    return (h * torch.sigmoid(h)) @ w_down.T
