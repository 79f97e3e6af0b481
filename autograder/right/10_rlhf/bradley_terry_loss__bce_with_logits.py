import torch
import torch.nn.functional as F


def bradley_terry_loss(chosen, rejected, margin=None):
    """Correct, written differently: binary cross-entropy with the label "chosen wins"."""
    logits = chosen - rejected
    if margin is not None:
        logits = logits - margin
    return F.binary_cross_entropy_with_logits(logits, torch.ones_like(logits))
