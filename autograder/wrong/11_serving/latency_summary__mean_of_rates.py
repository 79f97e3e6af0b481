def latency_summary(timings: list[dict]) -> dict[str, float]:
    """Mistake: tokens_per_s is the mean of each request's own rate, tokens / latency: requests run
    at the same time, so the server delivered far more than one request's rate."""
    if not timings:
        raise ValueError("no requests")
    window = max(t["end"] for t in timings) - min(t["start"] for t in timings)
    if window <= 0:
        raise ValueError("empty window")
    lat = [t["end"] - t["start"] for t in timings]
    ttft = [t["first_token"] - t["start"] for t in timings]
    rates = [t["tokens"] / (t["end"] - t["start"]) for t in timings]
    return {"p50_latency_s": float(np.percentile(lat, 50)), "p95_latency_s": float(np.percentile(lat, 95)),
            "p50_ttft_s": float(np.percentile(ttft, 50)), "p95_ttft_s": float(np.percentile(ttft, 95)),
            "tokens_per_s": float(np.mean(rates)), "requests_per_s": len(timings) / window}
