def rouge_l(hypothesis: str, reference: str) -> float:
    """Mistake: calls rouge-score (the test forbids rouge_score.rouge_scorer.RougeScorer)."""
    from rouge_score import rouge_scorer

    return rouge_scorer.RougeScorer(["rougeL"]).score(reference, hypothesis)["rougeL"].fmeasure
