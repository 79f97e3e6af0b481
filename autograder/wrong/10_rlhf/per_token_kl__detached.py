import torch


def per_token_kl(logprobs, ref_logprobs, estimator="k1"):
    """Mistake: detaches the policy's log-probabilities: the penalty holds nothing back."""
    d = logprobs.detach() - ref_logprobs
    if estimator == "k1":
        return d
    if estimator == "k2":
        return 0.5 * d ** 2
    if estimator == "k3":
        return torch.exp(-d) - 1 + d
    raise ValueError(estimator)
