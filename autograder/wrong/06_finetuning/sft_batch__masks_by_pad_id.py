def sft_batch(tokenizer: "transformers.PreTrainedTokenizerBase",
              conversations: list[list[dict[str, str]]]) -> dict[str, torch.Tensor]:
    """Mistake: masks every token whose id is the pad id; the course tokenizer pads with the
    end-of-text id, so the reply's closing <|endoftext|> drops out of the loss too."""
    rows = []
    for messages in conversations:
        enc = tokenizer.apply_chat_template(messages, tokenize=True, return_dict=True,
                                            return_assistant_tokens_mask=True)
        ids = torch.tensor(enc["input_ids"], dtype=torch.long)
        reply = torch.tensor(enc["assistant_masks"], dtype=torch.bool)
        rows.append((ids, torch.where(reply, ids, torch.full_like(ids, -100))))
    width = max(len(ids) for ids, _ in rows)
    pad = tokenizer.pad_token_id
    input_ids = torch.full((len(rows), width), pad, dtype=torch.long)
    labels = torch.full((len(rows), width), -100, dtype=torch.long)
    for row, (ids, lab) in enumerate(rows):
        input_ids[row, :len(ids)] = ids
        labels[row, :len(ids)] = lab
    attention_mask = (input_ids != pad).long()
    labels = labels.masked_fill(input_ids == pad, -100)
    return {"input_ids": input_ids, "attention_mask": attention_mask, "labels": labels}
