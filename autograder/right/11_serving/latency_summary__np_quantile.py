def latency_summary(timings: list[dict]) -> dict[str, float]:
    """Correct alternative: numpy arrays of all four fields and np.quantile (fractions, linear)."""
    if not len(timings):
        raise ValueError("empty load test")
    s, f, e, n = (np.array([t[key] for t in timings], dtype=np.float64)
                  for key in ("start", "first_token", "end", "tokens"))
    span = e.max() - s.min()
    if span <= 0:
        raise ValueError("a window of zero seconds")
    lat50, lat95 = np.quantile(e - s, [0.5, 0.95])
    tt50, tt95 = np.quantile(f - s, [0.5, 0.95])
    return {"p50_latency_s": float(lat50), "p95_latency_s": float(lat95), "p50_ttft_s": float(tt50),
            "p95_ttft_s": float(tt95), "tokens_per_s": float(n.sum() / span),
            "requests_per_s": float(len(timings) / span)}
