def greedy_decode(model: torch.nn.Module, input_ids: torch.Tensor, max_new_tokens: int,
                  eos_token_id: int | None = None, pad_token_id: int | None = None) -> torch.Tensor:
    """Correct alternative: the sequences are Python lists, the argmax is a Python max that keeps
    the first maximum (as torch.argmax does), and finished rows are a Python set."""
    fill = eos_token_id if pad_token_id is None else pad_token_id
    rows = [list(map(int, r)) for r in input_ids.tolist()]
    done = set()
    step = 0
    with torch.no_grad():
        while step < max_new_tokens and not (eos_token_id is not None and len(done) == len(rows)):
            logits, _ = model(torch.tensor(rows, dtype=torch.long, device=input_ids.device))
            last = logits[:, -1, :].tolist()
            for b, scores in enumerate(last):
                if b in done:
                    rows[b].append(fill)
                    continue
                best = max(range(len(scores)), key=lambda v: (scores[v], -v))
                rows[b].append(best)
                if eos_token_id is not None and best == eos_token_id:
                    done.add(b)
            step += 1
    return torch.tensor(rows, dtype=torch.long, device=input_ids.device).reshape(len(rows), -1)
