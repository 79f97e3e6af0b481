def greedy_decode(model: torch.nn.Module, input_ids: torch.Tensor, max_new_tokens: int,
                  eos_token_id: int | None = None, pad_token_id: int | None = None) -> torch.Tensor:
    """Mistake: ignores eos_token_id and always generates max_new_tokens tokens."""
    ids = input_ids
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits, _ = model(ids)
            next_ids = logits[:, -1, :].argmax(dim=-1)
            ids = torch.cat([ids, next_ids[:, None]], dim=1)
    return ids
