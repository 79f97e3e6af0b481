def latency_summary(timings: list[dict]) -> dict[str, float]:
    """Correct alternative: the linear-interpolation percentile written out, no numpy."""
    if len(timings) == 0:
        raise ValueError("at least one request")

    def percentile(values, p):
        xs = sorted(values)
        h = (len(xs) - 1) * p / 100
        lo = math.floor(h)
        hi = min(lo + 1, len(xs) - 1)
        return xs[lo] + (h - lo) * (xs[hi] - xs[lo])

    first = min(t["start"] for t in timings)
    last = max(t["end"] for t in timings)
    if last - first <= 0:
        raise ValueError("no time elapsed")
    latencies = [t["end"] - t["start"] for t in timings]
    to_first = [t["first_token"] - t["start"] for t in timings]
    return {"p50_latency_s": percentile(latencies, 50), "p95_latency_s": percentile(latencies, 95),
            "p50_ttft_s": percentile(to_first, 50), "p95_ttft_s": percentile(to_first, 95),
            "tokens_per_s": sum(t["tokens"] for t in timings) / (last - first),
            "requests_per_s": len(timings) / (last - first)}
