def scaled_dot_product_attention(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                                 mask: torch.Tensor | None = None
                                 ) -> tuple[torch.Tensor, torch.Tensor]:
    """Correct alternative: float64 internally, matmul with k.mT, the mask turned into an
    additive 0 / -inf bias, results cast back to the input dtype."""
    d_k = q.shape[-1]
    scores = torch.matmul(q.double(), k.double().mT) / d_k ** 0.5
    if mask is not None:
        bias = torch.zeros(mask.shape, dtype=torch.float64).masked_fill(mask.logical_not(),
                                                                         float("-inf"))
        scores = scores + bias
    weights = scores.softmax(dim=-1)
    out = weights @ v.double()
    return out.to(q.dtype), weights.to(q.dtype)
