import torch
import torch.nn.functional as F


def bradley_terry_loss(chosen, rejected, margin=None):
    """Mistake: torch.log(torch.sigmoid(x)), which is -inf for large negative differences."""
    diff = chosen - rejected
    if margin is not None:
        diff = diff - margin
    return -torch.log(torch.sigmoid(diff)).mean()
