def latency_summary(timings: list[dict]) -> dict[str, float]:
    """Mistake: the window is the last record's end minus the first record's start, as if the
    timings arrived sorted by start and finished in order."""
    if not timings:
        raise ValueError("no requests")
    window = timings[-1]["end"] - timings[0]["start"]
    if window <= 0:
        raise ValueError("empty window")
    lat = [t["end"] - t["start"] for t in timings]
    ttft = [t["first_token"] - t["start"] for t in timings]
    return {"p50_latency_s": float(np.percentile(lat, 50)), "p95_latency_s": float(np.percentile(lat, 95)),
            "p50_ttft_s": float(np.percentile(ttft, 50)), "p95_ttft_s": float(np.percentile(ttft, 95)),
            "tokens_per_s": sum(t["tokens"] for t in timings) / window,
            "requests_per_s": len(timings) / window}
