import torch
import torch.nn.functional as F


def bradley_terry_loss(chosen, rejected, margin=None):
    """Mistake: returns a rebuilt tensor (.item()): no gradient reaches the rewards."""
    diff = chosen - rejected
    if margin is not None:
        diff = diff - margin
    return torch.tensor(float(-F.logsigmoid(diff).mean()))
