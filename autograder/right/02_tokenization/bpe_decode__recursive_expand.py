def bpe_decode(ids: list[int], merges: list[tuple[int, int]]) -> str:
    """Correct alternative: expands each id recursively into bytes (memoised), collects them in a
    bytearray, then decodes once."""
    cache = {}

    def expand(i):
        if i < 256:
            return bytes([i])
        if i not in cache:
            a, b = merges[i - 256]
            cache[i] = expand(a) + expand(b)
        return cache[i]

    buf = bytearray()
    for i in ids:
        buf += expand(i)
    return bytes(buf).decode("utf-8", errors="replace")
