def greedy_decode(model: torch.nn.Module, input_ids: torch.Tensor, max_new_tokens: int,
                  eos_token_id: int | None = None, pad_token_id: int | None = None) -> torch.Tensor:
    """Mistake: lets transformers do the task (the test forbids generate())."""
    from llmz.gpt import to_hf

    hf = to_hf(model).eval()
    return hf.generate(input_ids, attention_mask=torch.ones_like(input_ids), do_sample=False,
                       max_new_tokens=max_new_tokens, eos_token_id=eos_token_id,
                       pad_token_id=pad_token_id if pad_token_id is not None else eos_token_id)
