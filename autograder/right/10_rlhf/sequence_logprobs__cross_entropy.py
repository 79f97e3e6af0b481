import torch
import torch.nn.functional as F


def sequence_logprobs(logits, input_ids, completion_mask):
    """Correct, written differently: minus the token cross-entropies."""
    if completion_mask[:, 0].bool().any():
        raise ValueError("completion_mask marks position 0")
    b, t, v = logits.shape
    nll = F.cross_entropy(logits[:, :-1].float().reshape(-1, v), input_ids[:, 1:].reshape(-1),
                          reduction="none").view(b, t - 1)
    return -(nll * completion_mask[:, 1:].to(nll.dtype)).sum(dim=1)
