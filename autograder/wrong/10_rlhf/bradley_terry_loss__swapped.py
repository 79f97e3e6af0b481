import torch
import torch.nn.functional as F


def bradley_terry_loss(chosen, rejected, margin=None):
    """Mistake: rejected minus chosen (learns the opposite preference)."""
    diff = rejected - chosen
    if margin is not None:
        diff = diff - margin
    return -F.logsigmoid(diff).mean()
