def batched_greedy(model: torch.nn.Module, sequences: list[list[int]], max_new_tokens: int,
                   pad_id: int) -> list[list[int]]:
    """Mistake: calls the chapter's own llmz.inference.batched_greedy (the task forbids it)."""
    import llmz.inference

    return llmz.inference.batched_greedy(model, sequences, max_new_tokens, pad_id)
