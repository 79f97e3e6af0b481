def mlm_mask(input_ids: torch.Tensor, mask_token_id: int, vocab_size: int,
             mlm_probability: float = 0.15, special_ids: tuple[int, ...] = (),
             generator: torch.Generator | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Correct alternative: Hugging Face's draw order: Bernoulli(p) selection, Bernoulli(0.8)
    for [MASK], then Bernoulli(0.5) among the rest for a random token; index assignment on a
    clone."""
    x = input_ids.clone()
    labels = input_ids.clone()
    prob = torch.full(x.shape, float(mlm_probability))
    for s in special_ids:
        prob[x == s] = 0.0
    selected = torch.bernoulli(prob, generator=generator).bool()
    labels[~selected] = -100
    to_mask = torch.bernoulli(torch.full(x.shape, 0.8), generator=generator).bool() & selected
    x[to_mask] = mask_token_id
    to_random = (torch.bernoulli(torch.full(x.shape, 0.5), generator=generator).bool()
                 & selected & ~to_mask)
    random_words = torch.randint(vocab_size, x.shape, dtype=torch.long, generator=generator)
    x[to_random] = random_words[to_random]
    return x, labels
