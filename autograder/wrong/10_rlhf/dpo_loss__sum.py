import torch
import torch.nn.functional as F


def dpo_loss(policy_chosen, policy_rejected, ref_chosen, ref_rejected, beta=0.1):
    """Mistake: sums over the pairs instead of averaging."""
    chosen_rewards = beta * (policy_chosen - ref_chosen.detach())
    rejected_rewards = beta * (policy_rejected - ref_rejected.detach())
    loss = -F.logsigmoid(chosen_rewards - rejected_rewards).sum()
    return loss, chosen_rewards.detach(), rejected_rewards.detach()
