def forgetting_step(model: torch.nn.Module, new_batch: dict[str, torch.Tensor],
                    original_batch: dict[str, torch.Tensor], alpha: float,
                    lr: float) -> dict[str, torch.Tensor]:
    """Mistake: one loss on the two batches stacked together: each batch then weighs as much as its
    number of labelled tokens, whatever alpha is."""
    width = max(new_batch["input_ids"].shape[1], original_batch["input_ids"].shape[1])
    pad = lambda x, value: F.pad(x, (0, width - x.shape[1]), value=value)
    batch = {"input_ids": torch.cat([pad(b["input_ids"], 0) for b in (new_batch, original_batch)]),
             "attention_mask": torch.cat([pad(b["attention_mask"], 0) for b in (new_batch, original_batch)]),
             "labels": torch.cat([pad(b["labels"], -100) for b in (new_batch, original_batch)])}
    model.zero_grad()
    model(**batch).loss.backward()
    with torch.no_grad():
        for p in model.parameters():
            if p.grad is not None:
                p -= lr * p.grad
    return {name: p.detach().clone() for name, p in model.named_parameters()}
