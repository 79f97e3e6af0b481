def batched_greedy(model: torch.nn.Module, sequences: list[list[int]], max_new_tokens: int,
                   pad_id: int) -> list[list[int]]:
    """Mistake: left padding and the attention mask, but no position ids: the model numbers the
    columns, so a padded prompt is read at shifted positions (GPT-2 notices; a Llama does not)."""
    if max_new_tokens == 0:
        return [[] for _ in sequences]
    width = max(len(s) for s in sequences)
    ids = torch.tensor([[pad_id] * (width - len(s)) + list(s) for s in sequences])
    mask = torch.tensor([[0] * (width - len(s)) + [1] * len(s) for s in sequences])
    new = []
    with torch.no_grad():
        out = model(input_ids=ids, attention_mask=mask, use_cache=True)
        for step in range(max_new_tokens):
            nxt = out.logits[:, -1].argmax(-1, keepdim=True)
            new.append(nxt)
            if step == max_new_tokens - 1:
                break
            mask = torch.cat([mask, torch.ones_like(nxt)], dim=1)
            out = model(input_ids=nxt, attention_mask=mask, past_key_values=out.past_key_values,
                        use_cache=True)
    return torch.cat(new, dim=1).tolist()
