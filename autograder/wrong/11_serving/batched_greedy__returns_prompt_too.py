def batched_greedy(model: torch.nn.Module, sequences: list[list[int]], max_new_tokens: int,
                   pad_id: int) -> list[list[int]]:
    """Mistake: returns each prompt followed by its new tokens (as generate() does), not the new
    tokens only."""
    ids, mask = left_pad(sequences, pad_id)
    rows = [list(s) for s in sequences]
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=mask,
                    position_ids=position_ids_from_mask(mask), use_cache=True)
        for step in range(max_new_tokens):
            nxt = out.logits[:, -1].argmax(-1, keepdim=True)
            for row, t in zip(rows, nxt[:, 0].tolist()):
                row.append(t)
            pos = mask.sum(-1, keepdim=True)
            mask = torch.cat([mask, torch.ones_like(nxt)], dim=1)
            out = model(input_ids=nxt, attention_mask=mask, position_ids=pos,
                        past_key_values=out.past_key_values, use_cache=True)
    return rows
