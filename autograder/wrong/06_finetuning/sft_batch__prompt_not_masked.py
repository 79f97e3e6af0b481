def sft_batch(tokenizer: "transformers.PreTrainedTokenizerBase",
              conversations: list[list[dict[str, str]]]) -> dict[str, torch.Tensor]:
    """Mistake: trains on the whole conversation (instruction and headers too), not only the replies."""
    rows = []
    for messages in conversations:
        enc = tokenizer.apply_chat_template(messages, tokenize=True, return_dict=True)
        ids = torch.tensor(enc["input_ids"], dtype=torch.long)
        rows.append((ids, ids.clone()))
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
