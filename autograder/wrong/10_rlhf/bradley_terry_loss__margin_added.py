import torch
import torch.nn.functional as F


def bradley_terry_loss(chosen, rejected, margin=None):
    """Mistake: adds the margin to the difference instead of subtracting it."""
    diff = chosen - rejected
    if margin is not None:
        diff = diff + margin
    return -F.logsigmoid(diff).mean()
