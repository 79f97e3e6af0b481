def bpe_decode(ids: list[int], merges: list[tuple[int, int]]) -> str:
    """Mistake: lets Hugging Face tokenizers decode (the task is to implement it)."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers

    bs = list(range(33, 127)) + list(range(161, 173)) + list(range(174, 256))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    b2u = {b: chr(c) for b, c in zip(bs, cs)}
    tokens = {i: bytes([i]) for i in range(256)}
    for i, (a, b) in enumerate(merges):
        tokens[256 + i] = tokens[a] + tokens[b]
    s = lambda v: "".join(b2u[x] for x in v)
    tok = Tokenizer(models.BPE({s(v): i for i, v in tokens.items()},
                               [(s(tokens[a]), s(tokens[b])) for a, b in merges]))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)
    tok.decoder = decoders.ByteLevel()
    return tok.decode(list(ids), skip_special_tokens=False)
