def latency_summary(timings: list[dict]) -> dict[str, float]:
    """Mistake: nearest-rank percentiles (the sorted value at rank ceil(p / 100 * n)), without
    interpolation."""
    if not timings:
        raise ValueError("no requests")
    window = max(t["end"] for t in timings) - min(t["start"] for t in timings)
    if window <= 0:
        raise ValueError("empty window")

    def pct(values, p):
        s = sorted(values)
        return float(s[max(0, math.ceil(p / 100 * len(s)) - 1)])

    lat = [t["end"] - t["start"] for t in timings]
    ttft = [t["first_token"] - t["start"] for t in timings]
    return {"p50_latency_s": pct(lat, 50), "p95_latency_s": pct(lat, 95),
            "p50_ttft_s": pct(ttft, 50), "p95_ttft_s": pct(ttft, 95),
            "tokens_per_s": sum(t["tokens"] for t in timings) / window,
            "requests_per_s": len(timings) / window}
