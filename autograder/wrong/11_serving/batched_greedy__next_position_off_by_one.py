def batched_greedy(model: torch.nn.Module, sequences: list[list[int]], max_new_tokens: int,
                   pad_id: int) -> list[list[int]]:
    """Mistake: each new token's position is counted AFTER extending the mask, one too far: the
    first new token is read at position len(prompt) + 1 instead of len(prompt)."""
    if max_new_tokens == 0:
        return [[] for _ in sequences]
    ids, mask = left_pad(sequences, pad_id)
    new = []
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=mask,
                    position_ids=position_ids_from_mask(mask), use_cache=True)
        for step in range(max_new_tokens):
            nxt = out.logits[:, -1].argmax(-1, keepdim=True)
            new.append(nxt)
            if step == max_new_tokens - 1:
                break
            mask = torch.cat([mask, torch.ones_like(nxt)], dim=1)
            out = model(input_ids=nxt, attention_mask=mask, position_ids=mask.sum(-1, keepdim=True),
                        past_key_values=out.past_key_values, use_cache=True)
    return torch.cat(new, dim=1).tolist()
