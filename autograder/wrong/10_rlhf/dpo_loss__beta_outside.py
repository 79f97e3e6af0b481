import torch
import torch.nn.functional as F


def dpo_loss(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta=0.1):
    """Mistake: beta multiplies the loss, not the log-ratio margin."""
    chosen_rewards = policy_chosen - ref_chosen.detach()
    rejected_rewards = policy_rejected - ref_rejected.detach()
    loss = -beta * F.logsigmoid(chosen_rewards - rejected_rewards).mean()
    return loss, (beta * chosen_rewards).detach(), (beta * rejected_rewards).detach()
