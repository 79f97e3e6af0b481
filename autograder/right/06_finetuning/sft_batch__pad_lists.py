def sft_batch(tokenizer: "transformers.PreTrainedTokenizerBase",
              conversations: list[list[dict[str, str]]]) -> dict[str, torch.Tensor]:
    """Correct alternative: pad Python lists first, build the three tensors at the end."""
    encoded = [tokenizer.apply_chat_template(m, tokenize=True, return_dict=True,
                                             return_assistant_tokens_mask=True)
               for m in conversations]
    width = max(len(e["input_ids"]) for e in encoded)
    ids, mask, labels = [], [], []
    for e in encoded:
        tokens, reply = list(e["input_ids"]), list(e["assistant_masks"])
        extra = width - len(tokens)
        ids.append(tokens + [tokenizer.pad_token_id] * extra)
        mask.append([1] * len(tokens) + [0] * extra)
        labels.append([t if r == 1 else -100 for t, r in zip(tokens, reply)] + [-100] * extra)
    return {"input_ids": torch.tensor(ids, dtype=torch.long),
            "attention_mask": torch.tensor(mask, dtype=torch.long),
            "labels": torch.tensor(labels, dtype=torch.long)}
