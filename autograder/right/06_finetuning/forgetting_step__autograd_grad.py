def forgetting_step(model: torch.nn.Module, new_batch: dict[str, torch.Tensor],
                    original_batch: dict[str, torch.Tensor], alpha: float,
                    lr: float) -> dict[str, torch.Tensor]:
    """Correct alternative: gradients from torch.autograd.grad (no .grad buffers), update with
    p.add_(g, alpha=-lr)."""
    names, params = zip(*[(n, p) for n, p in model.named_parameters()])
    loss = alpha * model(**new_batch).loss + (1 - alpha) * model(**original_batch).loss
    trainable = [p for p in params if p.requires_grad]
    grads = torch.autograd.grad(loss, trainable, allow_unused=True)
    with torch.no_grad():
        for p, g in zip(trainable, grads):
            if g is not None:
                p.add_(g, alpha=-lr)
    return {n: p.detach().clone() for n, p in zip(names, params)}
