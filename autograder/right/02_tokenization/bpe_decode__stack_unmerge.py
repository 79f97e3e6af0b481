def bpe_decode(ids: list[int], merges: list[tuple[int, int]]) -> str:
    """Correct alternative: un-merges with an explicit stack until only bytes are left, then
    codecs.decode with 'replace'."""
    import codecs

    out = []
    for top in ids:
        stack = [top]
        while stack:
            t = stack.pop()
            if t < 256:
                out.append(t)
            else:
                a, b = merges[t - 256]
                stack.append(b)
                stack.append(a)
    return codecs.decode(bytes(out), "utf-8", "replace")
