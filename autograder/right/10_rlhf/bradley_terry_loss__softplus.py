import torch
import torch.nn.functional as F


def bradley_terry_loss(chosen, rejected, margin=None):
    """Correct, written differently: -log sigmoid(x) = softplus(-x)."""
    x = chosen - rejected - (0.0 if margin is None else margin)
    return F.softplus(-x).mean()
