def forgetting_step(model: torch.nn.Module, new_batch: dict[str, torch.Tensor],
                    original_batch: dict[str, torch.Tensor], alpha: float,
                    lr: float) -> dict[str, torch.Tensor]:
    """Correct alternative: torch.optim.SGD itself, fresh for this one step."""
    optimizer = torch.optim.SGD(model.parameters(), lr=lr)
    optimizer.zero_grad()
    (alpha * model(**new_batch).loss + (1 - alpha) * model(**original_batch).loss).backward()
    optimizer.step()
    return {name: p.detach().clone() for name, p in model.named_parameters()}
