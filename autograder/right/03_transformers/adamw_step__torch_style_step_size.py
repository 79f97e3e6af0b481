def adamw_step(params: dict[str, torch.Tensor], grads: dict[str, torch.Tensor],
               state: dict[str, dict[str, torch.Tensor]], lr: float = 1e-3,
               betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
               weight_decay: float = 0.01, step: int = 1
               ) -> tuple[dict[str, torch.Tensor], dict[str, dict[str, torch.Tensor]]]:
    """Correct alternative: torch's arrangement, step_size = lr / bc1 and
    denom = sqrt(v) / sqrt(bc2) + eps, with torch.lerp for the first moment."""
    import math

    b1, b2 = betas
    bc1, bc2 = 1 - b1 ** step, 1 - b2 ** step
    new_params, new_state = {}, {}
    for name in params:
        p, g = params[name], grads[name]
        old = state.get(name)
        m0 = old["exp_avg"] if old else torch.zeros_like(p)
        v0 = old["exp_avg_sq"] if old else torch.zeros_like(p)
        m = torch.lerp(m0, g, 1 - b1)
        v = v0 * b2 + g.square() * (1 - b2)
        denom = v.sqrt() / math.sqrt(bc2) + eps
        new_params[name] = p * (1 - lr * weight_decay) - (lr / bc1) * m / denom
        new_state[name] = {"exp_avg": m, "exp_avg_sq": v}
    return new_params, new_state
