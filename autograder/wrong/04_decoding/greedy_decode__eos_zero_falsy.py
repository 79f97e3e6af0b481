def greedy_decode(model: torch.nn.Module, input_ids: torch.Tensor, max_new_tokens: int,
                  eos_token_id: int | None = None, pad_token_id: int | None = None) -> torch.Tensor:
    """Mistake: tests `if eos_token_id:`, so the EOS id 0 is taken for 'no EOS'."""
    if pad_token_id is None:
        pad_token_id = eos_token_id
    ids = input_ids
    finished = torch.zeros(ids.shape[0], dtype=torch.bool, device=ids.device)
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits, _ = model(ids)
            next_ids = logits[:, -1, :].argmax(dim=-1)
            if eos_token_id:
                next_ids = next_ids.masked_fill(finished, pad_token_id)
                finished = finished | (next_ids == eos_token_id)
            ids = torch.cat([ids, next_ids[:, None]], dim=1)
            if eos_token_id and bool(finished.all()):
                break
    return ids
