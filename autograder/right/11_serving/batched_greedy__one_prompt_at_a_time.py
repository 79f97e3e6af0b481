def batched_greedy(model: torch.nn.Module, sequences: list[list[int]], max_new_tokens: int,
                   pad_id: int) -> list[list[int]]:
    """Correct alternative: no batch at all. Each prompt is decoded alone with its own cache, so
    no padding, mask or position ids are needed (correct, but one forward pass per prompt)."""
    results = []
    with torch.no_grad():
        for seq in sequences:
            ids, cache, new = torch.tensor([list(seq)]), None, []
            for _ in range(max_new_tokens):
                out = model(input_ids=ids, past_key_values=cache, use_cache=True)
                cache = out.past_key_values
                ids = out.logits[:, -1:].argmax(dim=-1)
                new.append(int(ids))
            results.append(new)
    return results
