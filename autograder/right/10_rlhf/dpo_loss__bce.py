import torch
import torch.nn.functional as F


def dpo_loss(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta=0.1):
    """Correct, written differently: binary cross-entropy on the reward margin."""
    c = beta * (policy_chosen - ref_chosen.detach())
    r = beta * (policy_rejected - ref_rejected.detach())
    z = c - r
    return F.binary_cross_entropy_with_logits(z, torch.ones_like(z)), c.detach(), r.detach()
