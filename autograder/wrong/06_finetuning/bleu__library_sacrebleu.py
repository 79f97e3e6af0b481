def bleu(hypotheses: list[str], references: list[str], max_n: int = 4) -> float:
    """Mistake: calls sacrebleu (the test forbids sacrebleu.metrics.bleu.BLEU)."""
    from sacrebleu.metrics import BLEU

    metric = BLEU(tokenize="none", smooth_method="none", max_ngram_order=max_n)
    return metric.corpus_score(hypotheses, [references]).score / 100
