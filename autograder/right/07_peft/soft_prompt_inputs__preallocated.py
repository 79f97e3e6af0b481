import torch


def soft_prompt_inputs(prompt: torch.Tensor, inputs_embeds: torch.Tensor,
                       attention_mask: torch.Tensor,
                       labels: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
    """Correct alternative: allocates the longer tensors and fills them by slicing (the copy
    into the slice keeps the graph, so gradients still reach the prompt); repeat, not expand."""
    B, T, d = inputs_embeds.shape
    n = prompt.shape[0]
    embeds = inputs_embeds.new_empty(B, n + T, d)
    embeds[:, :n] = prompt.repeat(B, 1, 1)
    embeds[:, n:] = inputs_embeds
    mask = torch.ones(B, n + T, dtype=attention_mask.dtype)
    mask[:, n:] = attention_mask
    out = {"inputs_embeds": embeds, "attention_mask": mask}
    if labels is not None:
        full = torch.full((B, n + T), -100, dtype=labels.dtype)
        full[:, n:] = labels
        out["labels"] = full
    return out
