def nf4_code() -> torch.Tensor:
    """Mistake: copies bitsandbytes' table instead of building it (forbidden)."""
    import bitsandbytes.functional as bnbf

    return bnbf.get_4bit_type("nf4", device="cpu").clone()
