def zero_point_quantize(x: torch.Tensor, bits: int = 8) -> tuple[torch.Tensor, float, int]:
    """Mistake: asks torch's MinMaxObserver and quantize_per_tensor for the answer (forbidden)."""
    from torch.ao.quantization.observer import MinMaxObserver

    obs = MinMaxObserver(dtype=torch.quint8, qscheme=torch.per_tensor_affine, quant_min=0,
                         quant_max=2 ** bits - 1)
    obs(x.float())
    scale, zero_point = obs.calculate_qparams()
    q = torch.quantize_per_tensor(x.float(), float(scale), int(zero_point), torch.quint8).int_repr()
    return q.clamp(0, 2 ** bits - 1), float(scale), int(zero_point)
