def adamw_step(params: dict[str, torch.Tensor], grads: dict[str, torch.Tensor],
               state: dict[str, dict[str, torch.Tensor]], lr: float = 1e-3,
               betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
               weight_decay: float = 0.01, step: int = 1
               ) -> tuple[dict[str, torch.Tensor], dict[str, dict[str, torch.Tensor]]]:
    """Mistake: decays by the factor 1 - weight_decay instead of 1 - lr * weight_decay."""
    b1, b2 = betas
    new_params, new_state = {}, {}
    for name, p in params.items():
        g = grads[name]
        s = state.get(name, {})
        m = s.get("exp_avg", torch.zeros_like(p))
        v = s.get("exp_avg_sq", torch.zeros_like(p))
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        m_hat, v_hat = m / (1 - b1 ** step), v / (1 - b2 ** step)
        p = p * (1 - weight_decay)
        new_params[name] = p - lr * m_hat / (v_hat.sqrt() + eps)
        new_state[name] = {"exp_avg": m, "exp_avg_sq": v}
    return new_params, new_state
