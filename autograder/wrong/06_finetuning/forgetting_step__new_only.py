def forgetting_step(model: torch.nn.Module, new_batch: dict[str, torch.Tensor],
                    original_batch: dict[str, torch.Tensor], alpha: float,
                    lr: float) -> dict[str, torch.Tensor]:
    """Mistake: forgets the rehearsal: scales the new loss by alpha and never uses the original batch."""
    model.zero_grad()
    loss = alpha * model(**new_batch).loss
    loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            if p.grad is not None:
                p -= lr * p.grad
    return {name: p.detach().clone() for name, p in model.named_parameters()}
