def latency_summary(timings: list[dict]) -> dict[str, float]:
    """Mistake: the window is the sum of the latencies, as if the requests ran one after another."""
    if not timings:
        raise ValueError("no requests")
    lat = [t["end"] - t["start"] for t in timings]
    window = sum(lat)
    if window <= 0:
        raise ValueError("empty window")
    ttft = [t["first_token"] - t["start"] for t in timings]
    return {"p50_latency_s": float(np.percentile(lat, 50)), "p95_latency_s": float(np.percentile(lat, 95)),
            "p50_ttft_s": float(np.percentile(ttft, 50)), "p95_ttft_s": float(np.percentile(ttft, 95)),
            "tokens_per_s": sum(t["tokens"] for t in timings) / window,
            "requests_per_s": len(timings) / window}
