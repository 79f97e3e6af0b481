def greedy_decode(model: torch.nn.Module, input_ids: torch.Tensor, max_new_tokens: int,
                  eos_token_id: int | None = None, pad_token_id: int | None = None) -> torch.Tensor:
    """Mistake: finished rows keep generating model tokens instead of pad_token_id."""
    ids = input_ids
    finished = torch.zeros(ids.shape[0], dtype=torch.bool)
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits, _ = model(ids)
            next_ids = logits[:, -1, :].argmax(dim=-1)
            if eos_token_id is not None:
                finished = finished | (next_ids == eos_token_id)
            ids = torch.cat([ids, next_ids[:, None]], dim=1)
            if eos_token_id is not None and bool(finished.all()):
                break
    return ids
