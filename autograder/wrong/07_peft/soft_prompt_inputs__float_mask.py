import torch


def soft_prompt_inputs(prompt: torch.Tensor, inputs_embeds: torch.Tensor,
                       attention_mask: torch.Tensor,
                       labels: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
    """Mistake: builds the mask's ones with torch.ones (float), which turns the whole
    attention_mask into floats instead of keeping its dtype."""
    batch, n = inputs_embeds.shape[0], prompt.shape[0]
    virtual = prompt.to(inputs_embeds.dtype).unsqueeze(0).expand(batch, -1, -1)
    out = {"inputs_embeds": torch.cat([virtual, inputs_embeds], dim=1),
           "attention_mask": torch.cat([torch.ones(batch, n), attention_mask], dim=1)}
    if labels is not None:
        out["labels"] = torch.cat([torch.full((batch, n), -100), labels], dim=1)
    return out
