def adamw_step(params: dict[str, torch.Tensor], grads: dict[str, torch.Tensor],
               state: dict[str, dict[str, torch.Tensor]], lr: float = 1e-3,
               betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
               weight_decay: float = 0.01, step: int = 1
               ) -> tuple[dict[str, torch.Tensor], dict[str, dict[str, torch.Tensor]]]:
    """Mistake: updates the caller's tensors in place (p.mul_, m.mul_...) and returns them."""
    b1, b2 = betas
    for name, p in params.items():
        g = grads[name]
        s = state.setdefault(name, {"exp_avg": torch.zeros_like(p), "exp_avg_sq": torch.zeros_like(p)})
        m, v = s["exp_avg"], s["exp_avg_sq"]
        m.mul_(b1).add_((1 - b1) * g)
        v.mul_(b2).add_((1 - b2) * g * g)
        p.mul_(1 - lr * weight_decay)
        p.sub_(lr * (m / (1 - b1 ** step)) / ((v / (1 - b2 ** step)).sqrt() + eps))
    return params, state
