def forgetting_step(model: torch.nn.Module, new_batch: dict[str, torch.Tensor],
                    original_batch: dict[str, torch.Tensor], alpha: float,
                    lr: float) -> dict[str, torch.Tensor]:
    """Mistake: a step on alpha * L_new, then a second step on (1 - alpha) * L_original taken at
    the already updated weights."""
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    for weight, batch in ((alpha, new_batch), (1.0 - alpha, original_batch)):
        optimizer.zero_grad()
        (weight * model(**batch).loss).backward()
        optimizer.step()
    return {name: p.detach().clone() for name, p in model.named_parameters()}
