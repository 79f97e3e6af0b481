def validate_json(text: str, schema: dict) -> list[str]:
    """Correct alternative: explicit type predicates, and enum membership compared type-strictly
    (true is not 1, 1.0 is not 1, also inside lists and objects)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return ["invalid JSON"]
    if type(data) is not dict:
        return ["not an object"]
    checks = {
        "string": lambda v: type(v) is str,
        "integer": lambda v: type(v) is int,
        "number": lambda v: type(v) in (int, float),
        "boolean": lambda v: type(v) is bool,
        "array": lambda v: type(v) is list,
        "object": lambda v: type(v) is dict,
        "null": lambda v: v is None,
    }

    def same(a, b):
        if type(a) is not type(b):
            return False
        if type(a) is list:
            return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
        if type(a) is dict:
            return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
        return a == b

    problems = []
    for key in schema.get("required", []):
        if key not in data:
            problems.append("missing key: " + key)
    props = schema.get("properties", {})
    for key in props:
        if key not in data:
            continue
        rule = props[key]
        if "type" in rule and not checks[rule["type"]](data[key]):
            problems.append("wrong type: " + key)
        elif "enum" in rule and not any(same(data[key], option) for option in rule["enum"]):
            problems.append("not allowed: " + key)
    if schema.get("additionalProperties", True) is False:
        for key in data:
            if key not in props:
                problems.append("unexpected key: " + key)
    return problems
