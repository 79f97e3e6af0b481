import torch
import torch.nn.functional as F


def sequence_logprobs(logits, input_ids, completion_mask):
    """Mistake: scores token t with the logits at t (no shift)."""
    if bool((completion_mask[:, 0] != 0).any()):
        raise ValueError("position 0")
    logp = torch.log_softmax(logits.float(), dim=-1)
    picked = logp.gather(-1, input_ids.unsqueeze(-1)).squeeze(-1)
    return (picked * completion_mask.float()).sum(-1)
