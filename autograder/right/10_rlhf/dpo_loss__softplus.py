import torch
import torch.nn.functional as F


def dpo_loss(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta=0.1):
    """Correct, written differently: softplus of minus the margin."""
    logits = (policy_chosen - policy_rejected) - (ref_chosen - ref_rejected).detach()
    loss = F.softplus(-beta * logits).mean()
    with torch.no_grad():
        chosen = beta * (policy_chosen - ref_chosen)
        rejected = beta * (policy_rejected - ref_rejected)
    return loss, chosen, rejected
