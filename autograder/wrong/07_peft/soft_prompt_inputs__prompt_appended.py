import torch


def soft_prompt_inputs(prompt: torch.Tensor, inputs_embeds: torch.Tensor,
                       attention_mask: torch.Tensor,
                       labels: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
    """Mistake: appends the soft prompt AFTER the tokens instead of placing it in front."""
    batch, n = inputs_embeds.shape[0], prompt.shape[0]
    virtual = prompt.to(inputs_embeds.dtype).unsqueeze(0).expand(batch, -1, -1)
    out = {"inputs_embeds": torch.cat([inputs_embeds, virtual], dim=1),
           "attention_mask": torch.cat([attention_mask, attention_mask.new_ones(batch, n)], dim=1)}
    if labels is not None:
        out["labels"] = torch.cat([labels, labels.new_full((batch, n), -100)], dim=1)
    return out
