def label_logprobs(model: torch.nn.Module, tokenizer: Any, prompt: str,
                   labels: list[str]) -> torch.Tensor:
    """Correct alternative: every label in ONE right-padded batch (a causal model's logits at a
    position do not depend on the later padding), log-probabilities by an explicit log-sum-exp
    in float64, and a mask that selects the label positions."""
    p = tokenizer.encode(prompt)
    seqs = [p + tokenizer.encode(label) for label in labels]
    width = max(len(s) for s in seqs)
    ids = torch.zeros(len(seqs), width, dtype=torch.long)
    for i, s in enumerate(seqs):
        ids[i, :len(s)] = torch.tensor(s)
    with torch.no_grad():
        logits = model(ids).logits.double()
    logp = logits - torch.logsumexp(logits, dim=-1, keepdim=True)
    next_lp = logp[:, :-1].gather(-1, ids[:, 1:, None])[..., 0]     # log P(token t+1 | ..t)
    positions = torch.arange(1, width)[None, :]
    lengths = torch.tensor([len(s) for s in seqs])[:, None]
    counted = (positions >= len(p)) & (positions < lengths)
    return (next_lp * counted).sum(dim=-1).float()
