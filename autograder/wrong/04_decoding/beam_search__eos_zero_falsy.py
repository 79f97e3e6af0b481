def beam_search(model: torch.nn.Module, input_ids: torch.Tensor, num_beams: int,
                max_new_tokens: int, eos_token_id: int | None = None,
                length_penalty: float = 1.0, early_stopping: bool = False) -> torch.Tensor:
    """Mistake: tests `if eos_token_id:` for truth, so the EOS id 0 never finishes a hypothesis."""
    beams = input_ids                         # live hypotheses, one per row
    scores = torch.zeros(1)                   # their summed log-probabilities
    finished = []                             # (final score, sequence)
    with torch.no_grad():
        for step in range(1, max_new_tokens + 1):
            logits, _ = model(beams)
            logprobs = torch.log_softmax(logits[:, -1, :].float(), dim=-1)
            vocab = logprobs.shape[-1]
            candidates = (scores[:, None] + logprobs).reshape(-1)
            best, index = torch.sort(candidates, descending=True)
            live, live_scores = [], []
            for rank in range(len(best)):
                score, parent, token = best[rank].item(), int(index[rank]) // vocab, int(index[rank]) % vocab
                ends = bool(eos_token_id) and token == eos_token_id
                if rank < num_beams and (ends or step == max_new_tokens):
                    seq = torch.cat([beams[parent], torch.tensor([token])])
                    finished.append((score / step ** length_penalty, seq))
                if not ends and len(live) < num_beams:
                    live.append(torch.cat([beams[parent], torch.tensor([token])]))
                    live_scores.append(score)
                if len(live) == num_beams and rank >= num_beams - 1:
                    break
            finished = sorted(finished, key=lambda f: f[0], reverse=True)[:num_beams]
            beams, scores = torch.stack(live), torch.tensor(live_scores)
            if len(finished) == num_beams:
                if early_stopping or live_scores[0] / step ** length_penalty <= finished[-1][0]:
                    break
    return finished[0][1][None, :]
