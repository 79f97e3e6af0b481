def allowed_next_tokens(sequences: list[list[int]], prefix: list[int]) -> set[int]:
    """Correct alternative: build a prefix tree of nested dicts and walk down the prefix; a node
    stores its children only (a complete sequence adds no child)."""
    root = {}
    for seq in sequences:
        node = root
        for token in seq:
            node = node.setdefault(token, {})
    node = root
    for token in prefix:
        if token not in node:
            return set()
        node = node[token]
    return set(node)
