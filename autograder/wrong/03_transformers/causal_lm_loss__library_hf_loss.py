def causal_lm_loss(logits: torch.Tensor, input_ids: torch.Tensor,
                   attention_mask: torch.Tensor | None = None) -> torch.Tensor:
    """Mistake: calls Hugging Face's causal-LM loss (off limits in this task)."""
    from transformers.loss.loss_utils import ForCausalLMLoss

    labels = input_ids if attention_mask is None else input_ids.masked_fill(attention_mask == 0, -100)
    return ForCausalLMLoss(logits, labels, vocab_size=logits.size(-1))
