def forgetting_step(model: torch.nn.Module, new_batch: dict[str, torch.Tensor],
                    original_batch: dict[str, torch.Tensor], alpha: float,
                    lr: float) -> dict[str, torch.Tensor]:
    """Mistake: computes the original loss under no_grad, so it adds a constant and no gradient."""
    model.zero_grad()
    loss_new = model(**new_batch).loss
    with torch.no_grad():
        loss_original = model(**original_batch).loss
    loss = alpha * loss_new + (1.0 - alpha) * loss_original
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            if p.grad is not None:
                p -= lr * p.grad
    return {name: p.detach().clone() for name, p in model.named_parameters()}
