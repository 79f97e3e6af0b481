import torch


def soft_prompt_inputs(prompt: torch.Tensor, inputs_embeds: torch.Tensor,
                       attention_mask: torch.Tensor,
                       labels: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
    """Mistake: pads the labels of the virtual tokens with 0 (a real token id) instead of -100,
    so the loss trains the model to predict token 0 there."""
    batch, n = inputs_embeds.shape[0], prompt.shape[0]
    virtual = prompt.to(inputs_embeds.dtype).unsqueeze(0).expand(batch, -1, -1)
    out = {"inputs_embeds": torch.cat([virtual, inputs_embeds], dim=1),
           "attention_mask": torch.cat([attention_mask.new_ones(batch, n), attention_mask], dim=1)}
    if labels is not None:
        out["labels"] = torch.cat([labels.new_zeros(batch, n), labels], dim=1)
    return out
