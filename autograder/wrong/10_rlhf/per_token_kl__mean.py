import torch


def per_token_kl(logprobs, ref_logprobs, estimator="k1"):
    """Mistake: returns the mean over tokens instead of one value per token."""
    d = logprobs - ref_logprobs
    if estimator == "k1":
        return d.mean()
    if estimator == "k2":
        return (0.5 * d ** 2).mean()
    if estimator == "k3":
        return (torch.exp(-d) - 1 + d).mean()
    raise ValueError(estimator)
