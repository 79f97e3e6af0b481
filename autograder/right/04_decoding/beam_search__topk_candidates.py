def beam_search(model: torch.nn.Module, input_ids: torch.Tensor, num_beams: int,
                max_new_tokens: int, eos_token_id: int | None = None,
                length_penalty: float = 1.0, early_stopping: bool = False) -> torch.Tensor:
    """Correct alternative: hypotheses are (score, token list) pairs; each step ranks only the
    2 * num_beams best candidates with torch.topk (as transformers does: at most num_beams of
    them end with EOS, so enough live ones remain)."""
    prompt = input_ids[0].tolist()
    live = [(0.0, [])]            # (summed log-probability, generated tokens)
    done = []                     # (final score, generated tokens)
    with torch.no_grad():
        for step in range(1, max_new_tokens + 1):
            batch = torch.tensor([prompt + toks for _, toks in live], dtype=torch.long)
            logits, _ = model(batch)
            logp = logits[:, -1, :].float().log_softmax(dim=-1)
            vocab = logp.shape[-1]
            total = torch.tensor([s for s, _ in live], dtype=torch.float32)[:, None] + logp
            k = min(2 * num_beams, total.numel())
            values, flat = torch.topk(total.reshape(-1), k)
            nxt = []
            for rank, (score, index) in enumerate(zip(values.tolist(), flat.tolist())):
                parent, token = divmod(index, vocab)
                seq = live[parent][1] + [token]
                is_eos = eos_token_id is not None and token == eos_token_id
                if rank < num_beams and (is_eos or step == max_new_tokens):
                    done.append((score / step ** length_penalty, seq))
                if not is_eos and len(nxt) < num_beams:
                    nxt.append((score, seq))
            done.sort(key=lambda d: d[0], reverse=True)
            del done[num_beams:]
            live = nxt
            if len(done) == num_beams and (early_stopping or
                                           live[0][0] / step ** length_penalty <= done[-1][0]):
                break
    return torch.tensor([prompt + done[0][1]], dtype=torch.long)
