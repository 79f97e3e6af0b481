def swiglu_mlp(x: torch.Tensor, w_gate: torch.Tensor, w_up: torch.Tensor,
               w_down: torch.Tensor) -> torch.Tensor:
    """Mistake: GELU instead of SiLU on the gate (GeGLU, as in Gemma)."""
    g = x @ w_gate.T
    gelu = 0.5 * g * (1 + torch.erf(g / 2 ** 0.5))
    return (gelu * (x @ w_up.T)) @ w_down.T
