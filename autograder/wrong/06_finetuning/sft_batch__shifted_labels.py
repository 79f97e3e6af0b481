def sft_batch(tokenizer: "transformers.PreTrainedTokenizerBase",
              conversations: list[list[dict[str, str]]]) -> dict[str, torch.Tensor]:
    """Mistake: shifts the labels by one (labels[t] = input_ids[t + 1]), but the model shifts them itself."""
    rows = []
    for messages in conversations:
        enc = tokenizer.apply_chat_template(messages, tokenize=True, return_dict=True,
                                            return_assistant_tokens_mask=True)
        ids = torch.tensor(enc["input_ids"], dtype=torch.long)
        reply = torch.tensor(enc["assistant_masks"], dtype=torch.bool)
        labels = torch.where(reply, ids, torch.full_like(ids, -100))
        rows.append((ids, torch.cat([labels[1:], torch.tensor([-100])])))
    width = max(len(ids) for ids, _ in rows)
    batch = {"input_ids": torch.full((len(rows), width), tokenizer.pad_token_id, dtype=torch.long),
             "attention_mask": torch.zeros((len(rows), width), dtype=torch.long),
             "labels": torch.full((len(rows), width), -100, dtype=torch.long)}
    for row, (ids, labels) in enumerate(rows):
        n = len(ids)
        batch["input_ids"][row, :n] = ids
        batch["attention_mask"][row, :n] = 1
        batch["labels"][row, :n] = labels
    return batch
