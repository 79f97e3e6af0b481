import torch


def per_token_kl(logprobs, ref_logprobs, estimator="k1"):
    """Correct, written differently: k3 through expm1, k2 as a product."""
    if estimator not in {"k1", "k2", "k3"}:
        raise ValueError("unknown estimator " + str(estimator))
    log_ratio = ref_logprobs - logprobs  # log(q / p)
    if estimator == "k1":
        return -log_ratio
    if estimator == "k2":
        return log_ratio * log_ratio / 2
    return torch.expm1(log_ratio) - log_ratio
