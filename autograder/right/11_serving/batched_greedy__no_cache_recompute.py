def batched_greedy(model: torch.nn.Module, sequences: list[list[int]], max_new_tokens: int,
                   pad_id: int) -> list[list[int]]:
    """Correct alternative: no cache. The whole padded batch is read again at every step, with the
    extended mask and the position ids recomputed from it (slower, same tokens)."""
    ids, mask = left_pad(sequences, pad_id)
    start = ids.shape[1]
    with torch.no_grad():
        for _ in range(max_new_tokens):
            logits = model(input_ids=ids, attention_mask=mask,
                           position_ids=position_ids_from_mask(mask)).logits
            best = logits[:, -1].argmax(dim=-1, keepdim=True)
            ids = torch.cat([ids, best], dim=1)
            mask = torch.cat([mask, torch.ones_like(best)], dim=1)
    return [row[start:] for row in ids.tolist()]
