def swiglu_mlp(x: torch.Tensor, w_gate: torch.Tensor, w_up: torch.Tensor,
               w_down: torch.Tensor) -> torch.Tensor:
    """Mistake: gates with sigmoid(z) (the original GLU) instead of silu(z) = z * sigmoid(z)."""
    return (torch.sigmoid(x @ w_gate.T) * (x @ w_up.T)) @ w_down.T
