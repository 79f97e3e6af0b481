import torch
import torch.nn.functional as F


def bradley_terry_loss(chosen, rejected, margin=None):
    """Mistake: sums over the pairs instead of averaging."""
    diff = chosen - rejected
    if margin is not None:
        diff = diff - margin
    return -F.logsigmoid(diff).sum()
