import torch


def per_token_kl(logprobs, ref_logprobs, estimator="k1"):
    """Mistake: k3 with the ratio p / q instead of q / p."""
    d = logprobs - ref_logprobs
    if estimator == "k1":
        return d
    if estimator == "k2":
        return 0.5 * d ** 2
    if estimator == "k3":
        return torch.exp(d) - 1 - d
    raise ValueError(estimator)
