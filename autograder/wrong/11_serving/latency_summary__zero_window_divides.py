def latency_summary(timings: list[dict]) -> dict[str, float]:
    """Mistake: no check of the window: a test whose requests span no time divides by zero
    (ZeroDivisionError instead of the documented ValueError)."""
    if not timings:
        raise ValueError("no requests")
    window = max(t["end"] for t in timings) - min(t["start"] for t in timings)
    lat = [t["end"] - t["start"] for t in timings]
    ttft = [t["first_token"] - t["start"] for t in timings]
    return {"p50_latency_s": float(np.percentile(lat, 50)), "p95_latency_s": float(np.percentile(lat, 95)),
            "p50_ttft_s": float(np.percentile(ttft, 50)), "p95_ttft_s": float(np.percentile(ttft, 95)),
            "tokens_per_s": sum(t["tokens"] for t in timings) / window,
            "requests_per_s": len(timings) / window}
