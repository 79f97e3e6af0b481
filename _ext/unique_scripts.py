"""Each inline script once per page.

Sphinx 7.4 registers an inline script (a `<script>` with a body and no file) that an extension adds
after the builder starts twice: once as given and once from its registry, with the file name None in
one copy and '' in the other, so its own duplicate check misses it. sphinx-thebe's
`const THEBE_JS_URL = ...` then runs twice and every page reports "Identifier 'THEBE_JS_URL' has
already been declared" (the browser test, tests/test_browser.py, caught it). Sphinx 8 fixes this,
but jupyter-book 1 holds Sphinx at 7."""


def _key(script):
    """What makes two scripts the same: file (None and '' alike), priority and attributes."""
    if isinstance(script, str):  # a plain file name (older Sphinx)
        return (script, 0, ())
    attrs = tuple(sorted((k, str(v)) for k, v in script.attributes.items()))
    return (str(script.filename or ""), script.priority, attrs)


def _unique(app, pagename, templatename, context, doctree):
    scripts = context.get("script_files")
    if not scripts:
        return
    seen, kept = set(), []
    for script in scripts:
        if (key := _key(script)) not in seen:
            seen.add(key)
            kept.append(script)
    context["script_files"] = kept


def setup(app):
    app.connect("html-page-context", _unique, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
