def swiglu_mlp(x: torch.Tensor, w_gate: torch.Tensor, w_up: torch.Tensor,
               w_down: torch.Tensor) -> torch.Tensor:
    """Mistake: ReLU instead of SiLU on the gate (ReGLU)."""
    return (torch.relu(x @ w_gate.T) * (x @ w_up.T)) @ w_down.T
