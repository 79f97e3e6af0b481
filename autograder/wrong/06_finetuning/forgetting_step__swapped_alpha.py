def forgetting_step(model: torch.nn.Module, new_batch: dict[str, torch.Tensor],
                    original_batch: dict[str, torch.Tensor], alpha: float,
                    lr: float) -> dict[str, torch.Tensor]:
    """Mistake: alpha weights the original loss and 1 - alpha the new one."""
    model.zero_grad()
    loss = (1.0 - alpha) * model(**new_batch).loss + alpha * model(**original_batch).loss
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            if p.grad is not None:
                p -= lr * p.grad
    return {name: p.detach().clone() for name, p in model.named_parameters()}
