def position_ids_from_mask(attention_mask: torch.Tensor) -> torch.Tensor:
    """Mistake: calls the chapter's own llmz.inference.position_ids_from_mask (the task forbids
    it)."""
    from llmz.inference import position_ids_from_mask as library

    return library(attention_mask)
