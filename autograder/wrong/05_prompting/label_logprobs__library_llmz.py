def label_logprobs(model: torch.nn.Module, tokenizer: Any, prompt: str,
                   labels: list[str]) -> torch.Tensor:
    """Mistake: calls the course library's label_logprobs (the forbidden shortcut)."""
    import llmz.prompting

    return llmz.prompting.label_logprobs(model, tokenizer, [prompt], labels)[0]
