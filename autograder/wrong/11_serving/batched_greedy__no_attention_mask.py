def batched_greedy(model: torch.nn.Module, sequences: list[list[int]], max_new_tokens: int,
                   pad_id: int) -> list[list[int]]:
    """Mistake: left padding and position ids, but no attention mask: the prompt attends to the
    pads in front of it."""
    if max_new_tokens == 0:
        return [[] for _ in sequences]
    width = max(len(s) for s in sequences)
    ids = torch.tensor([[pad_id] * (width - len(s)) + list(s) for s in sequences])
    mask = torch.tensor([[0] * (width - len(s)) + [1] * len(s) for s in sequences])
    pos = (mask.cumsum(-1) - 1).masked_fill(mask == 0, 1)
    new = []
    with torch.no_grad():
        out = model(input_ids=ids, position_ids=pos, use_cache=True)
        for step in range(max_new_tokens):
            nxt = out.logits[:, -1].argmax(-1, keepdim=True)
            new.append(nxt)
            if step == max_new_tokens - 1:
                break
            pos = pos[:, -1:] + 1
            out = model(input_ids=nxt, position_ids=pos, past_key_values=out.past_key_values,
                        use_cache=True)
    return torch.cat(new, dim=1).tolist()
