def bpe_train(text: str, vocab_size: int) -> list[tuple[int, int]]:
    """Mistake: lets Hugging Face tokenizers train the BPE (the task is to implement it)."""
    import json

    from tokenizers import Tokenizer, models, pre_tokenizers, trainers

    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, show_progress=False, special_tokens=[],
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
    tok.train_from_iterator([text], trainer)
    bs = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    u2b = {chr(c): b for b, c in zip(bs, cs)}
    ids, merges = {bytes([b]): b for b in range(256)}, []
    for i, (a, b) in enumerate(json.loads(tok.to_str())["model"]["merges"]):
        ba, bb = bytes(u2b[c] for c in a), bytes(u2b[c] for c in b)
        merges.append((ids[ba], ids[bb]))
        ids[ba + bb] = 256 + i
    return merges
