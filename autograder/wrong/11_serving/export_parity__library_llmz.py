def export_parity(reference: torch.Tensor | np.ndarray,
                  candidate: torch.Tensor | np.ndarray) -> dict[str, float]:
    """Mistake: calls the chapter's own llmz.inference.export_parity (the task forbids it)."""
    from llmz import inference

    return inference.export_parity(reference, candidate)
