import torch


def soft_prompt_inputs(prompt: torch.Tensor, inputs_embeds: torch.Tensor,
                       attention_mask: torch.Tensor,
                       labels: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
    """Mistake: produces the virtual tokens with peft's PromptEmbedding (forbidden)."""
    from peft import PromptTuningConfig
    from peft.tuners.prompt_tuning.model import PromptEmbedding

    batch, n = inputs_embeds.shape[0], prompt.shape[0]
    config = PromptTuningConfig(task_type="CAUSAL_LM", num_virtual_tokens=n,
                                token_dim=prompt.shape[1], num_transformer_submodules=1)
    encoder = PromptEmbedding(config, torch.nn.Embedding(1, prompt.shape[1]))
    encoder.embedding.weight = torch.nn.Parameter(prompt)
    virtual = encoder(torch.arange(n).expand(batch, n)).to(inputs_embeds.dtype)
    out = {"inputs_embeds": torch.cat([virtual, inputs_embeds], dim=1),
           "attention_mask": torch.cat([attention_mask.new_ones(batch, n), attention_mask], dim=1)}
    if labels is not None:
        out["labels"] = torch.cat([labels.new_full((batch, n), -100), labels], dim=1)
    return out
