import torch


def per_token_kl(logprobs, ref_logprobs, estimator="k1"):
    """Correct, written differently: k3 from the ratio itself."""
    if estimator == "k3":
        ratio = torch.exp(ref_logprobs - logprobs)
        return ratio - 1 - torch.log(ratio)
    if estimator == "k2":
        return torch.square(logprobs - ref_logprobs) * 0.5
    if estimator == "k1":
        return logprobs - ref_logprobs
    raise ValueError(estimator)
