import torch
import torch.nn.functional as F


def sequence_logprobs(logits, input_ids, completion_mask):
    """Mistake: log_softmax in the logits' own dtype (float16 stays float16)."""
    if bool((completion_mask[:, 0] != 0).any()):
        raise ValueError("position 0")
    logp = torch.log_softmax(logits[:, :-1], dim=-1)
    picked = logp.gather(-1, input_ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    return (picked * completion_mask[:, 1:]).sum(-1)
