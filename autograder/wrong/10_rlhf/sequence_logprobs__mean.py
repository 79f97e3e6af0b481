import torch
import torch.nn.functional as F


def sequence_logprobs(logits, input_ids, completion_mask):
    """Mistake: averages the completion's token log-probabilities instead of summing them."""
    if bool((completion_mask[:, 0] != 0).any()):
        raise ValueError("position 0")
    logp = torch.log_softmax(logits[:, :-1].float(), dim=-1)
    picked = logp.gather(-1, input_ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    m = completion_mask[:, 1:].float()
    return (picked * m).sum(-1) / m.sum(-1).clamp(min=1)
