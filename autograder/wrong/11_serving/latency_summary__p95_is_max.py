def latency_summary(timings: list[dict]) -> dict[str, float]:
    """Mistake: reports the maximum as p95 (the slowest request, not the 95th percentile)."""
    if not timings:
        raise ValueError("no requests")
    window = max(t["end"] for t in timings) - min(t["start"] for t in timings)
    if window <= 0:
        raise ValueError("empty window")
    lat = [t["end"] - t["start"] for t in timings]
    ttft = [t["first_token"] - t["start"] for t in timings]
    return {"p50_latency_s": float(np.median(lat)), "p95_latency_s": float(max(lat)),
            "p50_ttft_s": float(np.median(ttft)), "p95_ttft_s": float(max(ttft)),
            "tokens_per_s": sum(t["tokens"] for t in timings) / window,
            "requests_per_s": len(timings) / window}
