def latency_summary(timings: list[dict]) -> dict[str, float]:
    """Mistake: the time to first token measured to the END of the request (it is the latency)."""
    if not timings:
        raise ValueError("no requests")
    window = max(t["end"] for t in timings) - min(t["start"] for t in timings)
    if window <= 0:
        raise ValueError("empty window")
    lat = [t["end"] - t["start"] for t in timings]
    return {"p50_latency_s": float(np.percentile(lat, 50)), "p95_latency_s": float(np.percentile(lat, 95)),
            "p50_ttft_s": float(np.percentile(lat, 50)), "p95_ttft_s": float(np.percentile(lat, 95)),
            "tokens_per_s": sum(t["tokens"] for t in timings) / window,
            "requests_per_s": len(timings) / window}
