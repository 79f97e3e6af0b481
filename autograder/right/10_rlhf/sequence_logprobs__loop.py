import torch


def sequence_logprobs(logits, input_ids, completion_mask):
    """Correct, written differently: a loop over rows and positions."""
    out = []
    for i in range(logits.shape[0]):
        if int(completion_mask[i, 0]) != 0:
            raise ValueError("position 0 of row %d is marked" % i)
        total = logits.new_zeros((), dtype=torch.float32)
        for t in range(1, logits.shape[1]):
            if int(completion_mask[i, t]):
                total = total + torch.log_softmax(logits[i, t - 1].float(), -1)[input_ids[i, t]]
        out.append(total)
    return torch.stack(out)
