def swiglu_mlp(x: torch.Tensor, w_gate: torch.Tensor, w_up: torch.Tensor,
               w_down: torch.Tensor) -> torch.Tensor:
    """Correct alternative: einsum in float64, converted back to the input's dtype."""
    xd = x.double()
    g = torch.einsum("...c,fc->...f", xd, w_gate.double())
    u = torch.einsum("...c,fc->...f", xd, w_up.double())
    h = g * torch.sigmoid(g) * u
    return torch.einsum("...f,cf->...c", h, w_down.double()).to(x.dtype)
