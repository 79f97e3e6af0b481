def int8_dynamic_linear(x: torch.Tensor, weight: torch.Tensor,
                        bias: torch.Tensor | None = None) -> torch.Tensor:
    """Mistake: lets torch do it (quantize_dynamic on an nn.Linear gives the right numbers; the
    task forbids it)."""
    layer = torch.nn.Linear(weight.shape[1], weight.shape[0], bias=bias is not None)
    with torch.no_grad():
        layer.weight.copy_(weight)
        if bias is not None:
            layer.bias.copy_(bias)
    q = torch.ao.quantization.quantize_dynamic(torch.nn.Sequential(layer), {torch.nn.Linear},
                                               dtype=torch.qint8)
    with torch.no_grad():
        return q(x)
