import torch


def per_token_kl(logprobs, ref_logprobs, estimator="k1"):
    """Mistake: k2 without the 1/2."""
    d = logprobs - ref_logprobs
    if estimator == "k1":
        return d
    if estimator == "k2":
        return d ** 2
    if estimator == "k3":
        return torch.exp(-d) - 1 + d
    raise ValueError(estimator)
