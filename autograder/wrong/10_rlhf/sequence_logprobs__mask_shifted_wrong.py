import torch
import torch.nn.functional as F


def sequence_logprobs(logits, input_ids, completion_mask):
    """Mistake: pairs the logits at t - 1 with the mask at t - 1 (mask[:, :-1])."""
    if bool((completion_mask[:, 0] != 0).any()):
        raise ValueError("position 0")
    logp = torch.log_softmax(logits[:, :-1].float(), dim=-1)
    picked = logp.gather(-1, input_ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    return (picked * completion_mask[:, :-1].float()).sum(-1)
