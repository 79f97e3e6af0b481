def constrained_choice(model: torch.nn.Module, tokenizer: Any, prompt: str,
                       allowed: list[str]) -> str:
    """Mistake: calls the course library's constrained_generate (the forbidden shortcut)."""
    import llmz.prompting

    return llmz.prompting.constrained_generate(model, tokenizer, prompt, allowed)
