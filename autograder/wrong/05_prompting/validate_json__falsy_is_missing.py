def validate_json(text: str, schema: dict) -> list[str]:
    """Mistake: tests a required key's presence by the truth of its value, so a key holding
    '', 0, false or null counts as missing."""
    try:
        value = json.loads(text)
    except ValueError:
        return ["invalid JSON"]
    if not isinstance(value, dict):
        return ["not an object"]

    def has_type(v, kind):
        if kind in ("integer", "number") and isinstance(v, bool):
            return False
        python = {"string": str, "integer": int, "number": (int, float), "boolean": bool,
                  "array": list, "object": dict, "null": type(None)}[kind]
        return isinstance(v, python)

    def same(a, b):
        if type(a) is not type(b):
            return False
        if isinstance(a, list):
            return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
        if isinstance(a, dict):
            return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
        return a == b

    errors = [f"missing key: {key}" for key in schema.get("required", []) if not value.get(key)]
    properties = schema.get("properties", {})
    for key, rule in properties.items():
        if key not in value:
            continue
        if "type" in rule and not has_type(value[key], rule["type"]):
            errors.append(f"wrong type: {key}")
        elif "enum" in rule and not any(same(value[key], e) for e in rule["enum"]):
            errors.append(f"not allowed: {key}")
    if schema.get("additionalProperties", True) is False:
        errors += [f"unexpected key: {key}" for key in value if key not in properties]
    return errors
