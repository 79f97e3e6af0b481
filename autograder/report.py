"""What the grader writes for people to open: the grades CSV and the feedback pages.

Both carry text a learner controls (names, error messages, cell outputs), so both are defused:

    write_csv(rows, path, columns)      no cell starts a spreadsheet formula; atomic write
    sanitize_notebook_outputs(nb)       before rendering: no HTML/JS/SVG/widget outputs, short
                                        errors without tracebacks or paths, no hidden-test markers
    sanitize_feedback_html(html)        after rendering: a strict CSP and no script of any kind

The HTML pass rebuilds the page from html.parser tokens instead of editing it: only tags we
allow are written back, attribute values and text are re-escaped, so no ``<`` reaches the
browser except in a tag we wrote (the same page parsed two ways cannot hide a script).
"""
from __future__ import annotations

import csv
import html
import os
import re
import tempfile
from html.parser import HTMLParser
from pathlib import Path

import nbformat

# ---------------------------------------------------------------------------------- CSV

_FORMULA = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
MAX_CELL = 2000


def csv_cell(value, numeric: bool = False) -> str:
    """One CSV cell made inert: one line, at most MAX_CELL characters, and a leading ``'``
    when a spreadsheet would read it as a formula (OWASP); plain numbers stay numbers in
    ``numeric`` columns."""
    text = "" if value is None else format(value, ".10g") if isinstance(value, float) \
        else str(value)
    if numeric and _NUMBER.match(text.strip()):
        return text.strip()
    if text.startswith(_FORMULA) or text.lstrip().startswith(_FORMULA):
        text = "'" + text
    text = re.sub(r"\s*(?:\r\n|\r|\n)\s*", " / ", text).replace("\x00", "")
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def write_csv(rows: list[dict], path: Path, columns: list[str], *, numeric_columns=(),
              bom: bool = False) -> Path:
    """Write ``rows`` (dicts; missing keys are empty) as ``path``, all or nothing: the CSV is
    written next to ``path`` and moved over it only when complete."""
    numeric = set(numeric_columns)
    with atomic_open(path, newline="", encoding="utf-8-sig" if bom else "utf-8",
                     errors="replace") as fh:
        w = csv.writer(fh)
        w.writerow([csv_cell(c) for c in columns])
        for row in rows:
            w.writerow([csv_cell(row.get(c), c in numeric) for c in columns])
    return Path(path)


class atomic_open:
    """``with atomic_open(path) as fh``: a temporary file in the same folder, moved over
    ``path`` (os.replace) on success and deleted on an exception, so readers see the old file
    or the new one, never half of one."""

    def __init__(self, path: Path, mode: str = "w", **kw):
        self.path, self.mode, self.kw = Path(path), mode, kw

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.",
                                        suffix=".tmp")
        self.fh = os.fdopen(fd, self.mode, **self.kw)
        return self.fh

    def __exit__(self, kind, exc, tb):
        try:
            if kind is None:
                self.fh.flush()
                os.fsync(self.fh.fileno())
            self.fh.close()
            if kind is None:
                mode = self.path.stat().st_mode & 0o777 if self.path.exists() else 0o644
                os.chmod(self.tmp, mode)
                os.replace(self.tmp, self.path)
        finally:
            if os.path.exists(self.tmp):
                os.unlink(self.tmp)
        return False


# ---------------------------------------------------------------------------------- HTML

CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
       "base-uri 'none'; form-action 'none'")
CSP_META = f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'
# dropped with everything inside them
_DROP = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "noscript",
         "noembed", "noframes", "template", "xmp", "plaintext", "portal", "fencedframe",
         "animate", "animatemotion", "animatetransform", "set", "handler", "listener"}
# dropped, but what is inside them is kept (void elements have nothing inside)
_UNWRAP = {"base", "link", "form", "param", "basefont", "bgsound", "keygen", "isindex"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
         "source", "track", "wbr", "basefont", "bgsound", "keygen", "isindex", "frame"}
_URL_ATTRS = {"href", "src", "xlink:href", "action", "formaction", "background", "poster",
              "cite", "data", "codebase", "longdesc", "lowsrc", "dynsrc", "usemap", "manifest",
              "icon", "profile", "classid", "archive"}
_NEVER_ATTRS = {"srcdoc", "srcset", "imagesrcset", "ping", "is", "attributename", "values",
                "from", "to", "by"}
_TAG = re.compile(r"^[a-z][a-z0-9\-]*$")
_ATTR = re.compile(r"^[a-z_:][a-z0-9_:.\-]*$")
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_BAD_STYLE = re.compile(r"expression\s*\(|javascript:|vbscript:|-moz-binding|behavior\s*:", re.I)


def _safe_url(tag: str, name: str, value: str) -> bool:
    """Relative links, #anchors, http(s), mailto; ``data:image/...`` only as an image source."""
    url = re.sub(r"[\x00-\x20\x7f-\x9f]+", "", value).lower()  # browsers drop these too
    m = _SCHEME.match(url)
    if not m:
        return True
    if m[1] in ("http", "https", "mailto"):
        return True
    return m[1] == "data" and url.startswith("data:image/") and name == "src" and \
        tag in ("img", "source", "input")


class _Sanitizer(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out, self.skip, self.csp, self.seen = [], [], False, set()

    def _put_csp(self, tag: str | None):
        if not self.csp and tag not in ("html",):
            self.csp = True
            self.out.append(CSP_META if tag == "head" else f"<head>{CSP_META}</head>")

    def _attrs(self, tag, attrs):
        keep = []
        for name, value in attrs:
            name = (name or "").lower()
            if not _ATTR.match(name) or name.startswith("on") or name in _NEVER_ATTRS:
                continue
            if value is not None and (name in _URL_ATTRS and not _safe_url(tag, name, value)
                                      or name == "style" and _BAD_STYLE.search(value)):
                continue
            if tag == "meta" and name == "http-equiv":
                return None  # refresh, set-cookie, a policy of its own: the whole tag goes
            keep.append(name if value is None else f'{name}="{html.escape(value)}"')
        return keep

    def handle_starttag(self, tag, attrs, closed=False):
        if self.skip:
            if tag in _DROP and tag not in _VOID and not closed:
                self.skip.append(tag)
            return
        if tag in _DROP:
            if tag not in _VOID and not closed:
                self.skip.append(tag)
            return
        if tag in ("html", "head", "body"):
            if tag in self.seen:
                return  # a second <head> from a learner's markdown says nothing
            self.seen.add(tag)
        if not _TAG.match(tag) or tag in _UNWRAP:
            return
        if tag == "meta" and not any(n in ("charset", "name") for n, _ in attrs):
            return
        keep = self._attrs(tag, attrs)
        if keep is None:
            return
        if tag == "head":
            self.out.append("<head>")
            self._put_csp("head")
            return
        self._put_csp(tag)
        self.out.append(f"<{' '.join([tag, *keep])}{' /' if closed else ''}>")

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs, closed=True)

    def handle_endtag(self, tag):
        if self.skip:
            if tag in self.skip:  # </iframe> ends the iframe, whatever was left open inside
                del self.skip[len(self.skip) - 1 - self.skip[::-1].index(tag):]
            return
        if tag in _DROP or tag in _UNWRAP or tag in _VOID or not _TAG.match(tag):
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data):
        if self.skip:
            return
        if self.cdata_elem == "style":
            # raw CSS: no "<" at all, so it can never close the element or open another
            self.out.append(data.replace("<", "\\3c "))
            return
        if data.strip():
            self._put_csp(None)
        self.out.append(html.escape(data, quote=False))

    def handle_decl(self, decl):
        if decl.lower().startswith("doctype") and not self.out:
            self.out.append("<!DOCTYPE html>")

    # comments, <?processing instructions?>, <![CDATA[...]]>: never written back
    def handle_comment(self, data): pass
    def handle_pi(self, data): pass
    def unknown_decl(self, data): pass


def sanitize_feedback_html(page: str) -> str:
    """A feedback page that cannot run script when opened: a strict Content-Security-Policy
    meta first in <head>, and no <script>, event handler, javascript: URL, frame, object,
    <base>, <meta http-equiv> (refresh) or SVG animation left. Styles, text and data: images
    stay, so the page reads as before (without MathJax: formulas show as LaTeX)."""
    p = _Sanitizer()
    p.feed(page)
    p.close()
    p._put_csp(None)  # an empty page still gets its policy
    return "".join(p.out)


def sanitize_feedback_file(path: Path) -> None:
    """sanitize_feedback_html on a file, in place, atomically."""
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    with atomic_open(path, encoding="utf-8") as fh:
        fh.write(sanitize_feedback_html(text))


# ---------------------------------------------------------------------------------- notebooks

_KEEP_MIME = ("text/plain", "image/png", "image/jpeg", "image/gif")
_MIME_NAMES = {"text/html": "HTML", "application/javascript": "JavaScript",
               "image/svg+xml": "SVG", "text/markdown": "Markdown",
               "application/vnd.jupyter.widget-view+json": "widget"}
_BASE64 = re.compile(r"^[A-Za-z0-9+/=\s]*$")
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b[@-_]")
_PATH = re.compile(r"(?:file://)?(?<![\w.:/~\-])(?:/[^\s/'\"`<>()\[\]{},;:|*?]+){2,}/?"
                   r"|\b[A-Za-z]:\\[^\s'\"<>|]+")
_MARKER = re.compile(r"#*[ \t]*(?:BEGIN|END)[\s_\-]*HIDDEN[\s_\-]*TESTS?", re.I)


def scrub_paths(text: str) -> str:
    """Absolute file system paths (the grader's /tmp/llmz-grade-..., /work/..., C:\\...) ->
    ``<path>``."""
    return _PATH.sub("<path>", text)


def neutralise_markers(source: str) -> str:
    """``### BEGIN HIDDEN TESTS`` / ``### END HIDDEN TESTS`` in any case or spacing ->
    ``# [marker removed]``, so nbgrader's ClearHiddenTests never trips on a learner's cell."""
    for _ in range(10):
        new = _MARKER.sub("# [marker removed]", source)
        if new == source:
            break
        source = new
    return source


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else str(value or "")


def _short_error(output: dict) -> dict:
    ename = scrub_paths(_ANSI.sub("", _text(output.get("ename"))))[:100]
    evalue = scrub_paths(_ANSI.sub("", _text(output.get("evalue"))))[:500]
    if ename == "NotImplementedError":
        evalue, shown = "", "not attempted"
    else:
        shown = f"{ename}: {evalue}".strip().rstrip(":")
    # still an error (nbgrader's meaning kept); the traceback nbconvert shows is one line
    return {"output_type": "error", "ename": ename, "evalue": evalue, "traceback": [shown]}


def _rich(output: dict) -> dict:
    data, meta = dict(output.get("data") or {}), output.get("metadata")
    meta = meta if isinstance(meta, dict) else {}
    keep = {m: data[m] for m in _KEEP_MIME if m in data}
    for m in ("image/png", "image/jpeg", "image/gif"):
        if m in keep and not _BASE64.match(_text(keep[m])):
            del keep[m]
    dropped = [m for m in data if m not in keep]
    if dropped and "text/plain" not in keep:
        name = next((_MIME_NAMES[m] for m in dropped if m in _MIME_NAMES), "rich")
        keep["text/plain"] = f"[{name} output removed from feedback]"
    output = dict(output, data=keep)
    # only plain sizes survive: nbconvert writes metadata into <img> attributes
    output["metadata"] = {m: {k: v for k, v in (meta.get(m) or {}).items()
                              if k in ("width", "height") and isinstance(v, (int, float))}
                          for m in keep if isinstance(meta.get(m), dict)}
    return output


def _is_test_cell(cell, test_ids) -> bool:
    meta = (cell.get("metadata") or {}).get("nbgrader")
    if not isinstance(meta, dict):
        return False
    ok = bool(meta.get("grade")) and not meta.get("solution")
    return ok and (test_ids is None or meta.get("grade_id") in test_ids)


def sanitize_notebook_outputs(nb, test_ids=None):
    """Make a graded notebook safe to render as feedback (in place; returns ``nb``):

    - text/html, JavaScript, SVG, Markdown and widget outputs -> their text/plain fallback, or a
      note "[HTML output removed from feedback]"; images must be plain base64;
    - errors -> one line ``ename: evalue``, no traceback, absolute paths as ``<path>``; a
      NotImplementedError (the untouched stub) -> "not attempted";
    - hidden-test markers in every cell but the locked test cells (``test_ids``: the grade ids
      of the real test cells, if known) -> ``# [marker removed]``.
    """
    (nb.get("metadata") or {}).pop("widgets", None)
    for cell in nb.get("cells", []):
        if not _is_test_cell(cell, test_ids):
            cell["source"] = neutralise_markers(_text(cell.get("source")))
        if cell.get("cell_type") != "code":
            continue
        outs = []
        for o in cell.get("outputs") or []:
            kind = o.get("output_type") if isinstance(o, dict) else None
            if kind == "error":
                outs.append(_short_error(o))
            elif kind in ("display_data", "execute_result"):
                outs.append(_rich(o))
            elif kind == "stream":
                outs.append(o)
        cell["outputs"] = [nbformat.from_dict(o) for o in outs]
    return nb
