def validate_json(text: str, schema: dict) -> list[str]:
    """Mistake: checks the enum with `value in enum`, so true passes for the entry 1 and 1.0
    for 1 (True == 1 == 1.0 in Python)."""
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

    errors = [f"missing key: {key}" for key in schema.get("required", []) if key not in value]
    properties = schema.get("properties", {})
    for key, rule in properties.items():
        if key not in value:
            continue
        if "type" in rule and not has_type(value[key], rule["type"]):
            errors.append(f"wrong type: {key}")
        elif "enum" in rule and value[key] not in rule["enum"]:
            errors.append(f"not allowed: {key}")
    if schema.get("additionalProperties", True) is False:
        errors += [f"unexpected key: {key}" for key in value if key not in properties]
    return errors
