def batched_greedy(model: torch.nn.Module, sequences: list[list[int]], max_new_tokens: int,
                   pad_id: int) -> list[list[int]]:
    """Mistake: pads on the RIGHT (mask and positions otherwise right): the last column of a short
    row is a pad, so its first new token is predicted after the padding."""
    if max_new_tokens == 0:
        return [[] for _ in sequences]
    width = max(len(s) for s in sequences)
    ids = torch.tensor([list(s) + [pad_id] * (width - len(s)) for s in sequences])
    mask = torch.tensor([[1] * len(s) + [0] * (width - len(s)) for s in sequences])
    new = []
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=mask,
                    position_ids=(mask.cumsum(-1) - 1).clamp(min=0), use_cache=True)
        for step in range(max_new_tokens):
            nxt = out.logits[:, -1].argmax(-1, keepdim=True)
            new.append(nxt)
            if step == max_new_tokens - 1:
                break
            pos = mask.sum(-1, keepdim=True)
            mask = torch.cat([mask, torch.ones_like(nxt)], dim=1)
            out = model(input_ids=nxt, attention_mask=mask, position_ids=pos,
                        past_key_values=out.past_key_values, use_cache=True)
    return torch.cat(new, dim=1).tolist()
