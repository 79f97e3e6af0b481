def bpe_train(text: str, vocab_size: int) -> list[tuple[int, int]]:
    """Correct alternative: uses the learner's pair_counts and merge, picks the best pair by
    sorting all pairs by (-count, pair) and taking the first."""
    ids = list(text.encode("utf-8"))
    merges = []
    for new_id in range(256, vocab_size):
        counts = pair_counts(ids)
        if len(counts) == 0:
            break
        best = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        merges.append(tuple(best))
        ids = merge(ids, best, new_id)
    return merges
