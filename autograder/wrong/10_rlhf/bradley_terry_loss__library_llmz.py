import torch
import torch.nn.functional as F


def bradley_terry_loss(chosen, rejected, margin=None):
    """Mistake: calls the course's llmz.rlhf.bradley_terry_loss (forbidden)."""
    from llmz.rlhf import bradley_terry_loss as ours

    return ours(chosen, rejected, margin)
