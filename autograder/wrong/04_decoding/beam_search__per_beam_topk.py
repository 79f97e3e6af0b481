def beam_search(model: torch.nn.Module, input_ids: torch.Tensor, num_beams: int,
                max_new_tokens: int, eos_token_id: int | None = None,
                length_penalty: float = 1.0, early_stopping: bool = False) -> torch.Tensor:
    """Mistake: ranks candidates per beam (each beam keeps its own best tokens) instead of over all
    beam x vocab candidates together."""
    beams = input_ids
    scores = torch.zeros(1)
    finished = []
    with torch.no_grad():
        for step in range(1, max_new_tokens + 1):
            logits, _ = model(beams)
            logprobs = torch.log_softmax(logits[:, -1, :].float(), dim=-1)
            per_beam = max(1, num_beams // len(beams))
            ranked = []
            for parent in range(len(beams)):
                top = torch.topk(scores[parent] + logprobs[parent], per_beam + 1)
                for s, t in zip(top.values.tolist(), top.indices.tolist()):
                    ranked.append((s, parent, t))
            ranked.sort(key=lambda c: c[0], reverse=True)
            live, live_scores = [], []
            for rank, (score, parent, token) in enumerate(ranked):
                ends = eos_token_id is not None and token == eos_token_id
                seq = torch.cat([beams[parent], torch.tensor([token])])
                if rank < num_beams and (ends or step == max_new_tokens):
                    finished.append((score / step ** length_penalty, seq))
                if not ends and len(live) < num_beams:
                    live.append(seq)
                    live_scores.append(score)
            finished = sorted(finished, key=lambda f: f[0], reverse=True)[:num_beams]
            beams, scores = torch.stack(live), torch.tensor(live_scores)
            if len(finished) == num_beams:
                if early_stopping or live_scores[0] / step ** length_penalty <= finished[-1][0]:
                    break
    return finished[0][1][None, :]
