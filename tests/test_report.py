"""What the grader writes (autograder/report.py), no kernels.

The grades CSV cannot start a spreadsheet formula and is never half-written; a feedback page
cannot run script whatever the learner's notebook printed; outputs are reduced to safe, short
text before rendering; hidden-test markers typed by a learner cannot break nbgrader.
"""
from __future__ import annotations

import csv
import re
from html.parser import HTMLParser

import lxml.html
import nbformat
import pytest
from nbconvert import HTMLExporter
from nbgrader.preprocessors import ClearHiddenTests

from autograder.report import (CSP, csv_cell, neutralise_markers, sanitize_feedback_file,
                               sanitize_feedback_html, sanitize_notebook_outputs, scrub_paths,
                               write_csv)

# ---------------------------------------------------------------------------------- CSV

COLUMNS = ["student", "display", "score", "max_score", "task:a", "message"]


def read_back(path):
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_formula_cells_are_escaped_and_numbers_kept(tmp_path):
    hostile = ["=cmd|' /C calc'!A0", "+1+2", "-1+2", "@SUM(A1)", "\tx", "\rx", " =1+1",
               "＝1+1"]
    rows = [{"student": h, "display": h, "score": "-1.5", "max_score": 10.0, "task:a": "=1+1",
             "message": "line one\nline two\r\nthree"} for h in hostile]
    rows.append({"student": "José", "display": "山田 太郎", "score": "3", "max_score": "1e2",
                 "task:a": "-0.25", "message": "x" * 5000})
    out = write_csv(rows, tmp_path / "grades.csv", COLUMNS,
                    numeric_columns=("score", "max_score", "task:a"))
    back = read_back(out)
    for h, row in zip(hostile, back):
        assert row["student"] == row["display"] and row["student"].startswith("'"), row
        assert row["score"] == "-1.5" and row["max_score"] == "10"
        assert row["task:a"] == "'=1+1"  # a formula in a score column is not a number
        assert row["message"] == "line one / line two / three"
    last = back[-1]
    assert (last["student"], last["display"], last["score"], last["task:a"]) == \
        ("José", "山田 太郎", "3", "-0.25")
    assert len(last["message"]) == 2000
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf")
    for row in back:
        for cell in row.values():
            assert not cell.lstrip().startswith(("=", "+", "@", "\t", "\r")) or \
                cell in ("-1.5", "-0.25")


def test_csv_cell():
    assert csv_cell("-1.5") == "'-1.5" and csv_cell("-1.5", numeric=True) == "-1.5"
    assert csv_cell(None) == "" and csv_cell(2.5) == "2.5" and csv_cell(3) == "3"
    assert csv_cell("-1+2", numeric=True) == "'-1+2"
    assert csv_cell("ok") == "ok"


def test_csv_write_is_atomic(tmp_path):
    path = tmp_path / "grades.csv"
    write_csv([{"student": "a", "score": 1}], path, COLUMNS, bom=True)
    before = path.read_bytes()
    assert before.startswith(b"\xef\xbb\xbf") and path.stat().st_mode & 0o777 == 0o644

    class Boom:
        def __str__(self):
            raise RuntimeError("disk full, say")

    with pytest.raises(RuntimeError):
        write_csv([{"student": "b"}] * 1000 + [{"student": Boom()}], path, COLUMNS)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["grades.csv"]  # no temp file left


# ---------------------------------------------------------------------------------- HTML

HOSTILE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>Feedback</title>
<style>.jp-Cell > .x { color: #333 }</style>
<script src="https://cdn.example/require.js"></script>
<SCRIPT>alert(1)</SCRIPT>
<meta http-equiv="refresh" content="0;url=javascript:alert(1)">
<meta name="x" http-equiv="Refresh" content="1">
<base href="https://evil.example/">
<link rel="stylesheet" href="https://evil.example/x.css">
</head><body>
<h1>Your score: 7 / 10</h1>
<p onclick="alert(1)" ONMOUSEOVER="alert(1)">hover</p>
<img src="x" onerror="alert(1)"><img src="data:image/png;base64,iVBORw0KGgo=" alt="plot">
<a href="javascript:alert(1)">a</a><a href=" JaVa&#x09;ScRiPt:alert(1)">b</a>
<a href="jav&#x0A;ascript&colon;alert(1)">c</a><a href="data:text/html;base64,PHNjcmlwdD4=">d</a>
<a href="https://course.example/help">help</a><a href="#task-1">task 1</a>
<svg onload="alert(1)"><script>alert(1)</script><a xlink:href="javascript:alert(1)">
<text>svg</text></a><animate attributeName="href" to="javascript:alert(1)"/>
<set attributeName="onmouseover" to="alert(1)"/><foreignObject><img src=x onerror=alert(1)>
</foreignObject></svg>
<iframe srcdoc="<script>alert(1)</script>" src="javascript:alert(1)"><p>in frame</p></iframe>
<object data="javascript:alert(1)"><embed src="javascript:alert(1)"></object>
<form action="javascript:alert(1)"><button formaction="javascript:alert(1)">go</button></form>
<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>
<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></mglyph></table></mtext></math>
<!--<script>alert(1)</script>--><![CDATA[<script>alert(1)</script>]]>
<div style="background:url(javascript:alert(1))">styled</div>
<template><script>alert(1)</script></template>
<p>text with &lt;script&gt; shown as text</p>
<script>unclosed
</body></html>"""


class Tokens(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attrs = [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(tag, k, v or "") for k, v in attrs]


def assert_inert(page: str):
    t = Tokens()
    t.feed(page)
    bad_tags = {"script", "iframe", "frame", "object", "embed", "base", "link", "animate",
                "set", "noscript", "template", "form"}
    assert not bad_tags & set(t.tags), bad_tags & set(t.tags)
    for tag, k, v in t.attrs:
        assert not k.startswith("on"), (tag, k)
        assert not (tag == "meta" and k == "http-equiv" and "security-policy" not in v.lower())
        flat = re.sub(r"[\x00-\x20]", "", v).lower()
        assert "javascript:" not in flat and "data:text" not in flat, (tag, k, v)
    # an independent (libxml2) parse agrees: no script anywhere, CSP first in <head>
    doc = lxml.html.document_fromstring(page)
    assert not doc.xpath("//script|//iframe|//object|//embed|//base|//*[@onerror]|//*[@onload]")
    first = doc.find("head")[0]
    assert first.tag == "meta" and first.get("http-equiv") == "Content-Security-Policy"
    assert first.get("content").startswith("default-src 'none'; style-src 'unsafe-inline'; "
                                           "img-src data:; font-src data:")
    for style in re.findall(r"<style[^>]*>(.*?)</style>", page, re.S | re.I):
        assert "<" not in style


def test_hostile_page_comes_out_inert_and_readable():
    page = sanitize_feedback_html(HOSTILE)
    assert_inert(page)
    assert page.startswith("<!DOCTYPE html>")
    for kept in ("Your score: 7 / 10", ".jp-Cell > .x { color: #333 }", "help</a>",
                 'href="https://course.example/help"', 'href="#task-1"',
                 'src="data:image/png;base64,iVBORw0KGgo="', "styled", "hover",
                 "text with &lt;script&gt; shown as text", '<meta charset="utf-8">'):
        assert kept in page, kept
    outside_css = re.sub(r"<style[^>]*>.*?</style>", "", page, flags=re.S)
    assert "alert" not in outside_css  # what is left of the attack is inert CSS text
    assert "in frame" not in page and "refresh" not in page.lower()
    assert page.count("Content-Security-Policy") == 1
    assert sanitize_feedback_html(page) == page  # stable: a second pass changes nothing


@pytest.mark.parametrize("page", ["", "plain text <b>bold</b>", "<body><p>x</p></body>",
                                  "<html><body onload=alert(1)>x</body></html>",
                                  "<head></head><head><script>1</script></head>"])
def test_any_page_gets_the_policy_first(page):
    out = sanitize_feedback_html(page)
    assert out.count(CSP) == 1
    assert_inert(out)


def test_sanitize_feedback_file_in_place(tmp_path):
    page = tmp_path / "01_rnn.html"
    page.write_text(HOSTILE, encoding="utf-8")
    sanitize_feedback_file(page)
    assert_inert(page.read_text(encoding="utf-8"))
    assert [p.name for p in tmp_path.iterdir()] == ["01_rnn.html"]


def test_a_real_nbconvert_page_keeps_its_styles():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# Title\n\n$x^2$ and <script>alert(1)</script>"),
                nbformat.v4.new_code_cell("print('hi')")]
    page, _ = HTMLExporter().from_notebook_node(nb)
    out = sanitize_feedback_html(page)
    assert_inert(out)
    assert out.count("<style") == page.count("<style") and "Title" in out
    assert len(out) > 0.8 * len(page)


# ---------------------------------------------------------------------------------- notebooks

def hostile_notebook():
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    solution = nbformat.v4.new_code_cell("def f():\n    ### BEGIN HIDDEN TESTS\n    pass")
    solution.metadata["nbgrader"] = {"grade_id": "f", "solution": True, "grade": False,
                                     "locked": False, "schema_version": 3}
    solution.outputs = [
        nbformat.v4.new_output("execute_result", {"text/html": "<script>alert(1)</script>",
                                                  "text/plain": "<Thing>"}, execution_count=1),
        nbformat.v4.new_output("display_data", {"text/html": "<img src=x onerror=alert(1)>"}),
        nbformat.v4.new_output("display_data", {"application/javascript": "alert(1)"}),
        nbformat.v4.new_output("display_data", {"image/svg+xml": "<svg onload=alert(1)/>"}),
        nbformat.v4.new_output("display_data", {
            "application/vnd.jupyter.widget-view+json": {"model_id": "abc"},
            "text/plain": "IntSlider(value=3)"}),
        nbformat.v4.new_output("display_data", {"image/png": "iVBORw0KGgo="},
                               metadata={"image/png": {"width": 300, "onload": "x"}}),
        nbformat.v4.new_output("display_data", {"image/png": '" onerror="alert(1)'}),
        nbformat.v4.new_output("stream", name="stdout", text="printed\n"),
        nbformat.v4.new_output("error", ename="ValueError",
                               evalue="bad shape in /tmp/llmz-grade-abc123/course/x.py",
                               traceback=["\x1b[31mTraceback\x1b[0m",
                                          'File "/work/main/solutions/01_rnn/secret.py"',
                                          "ValueError: bad shape"])]
    stub = nbformat.v4.new_code_cell("raise NotImplementedError()")
    stub.outputs = [nbformat.v4.new_output("error", ename="NotImplementedError", evalue="",
                                           traceback=["Traceback ... /root/.cache/x"])]
    markdown = nbformat.v4.new_markdown_cell("my notes: #end   hidden_tests\n## Begin Hidden Tests")
    test = nbformat.v4.new_code_cell("%%graded f\nexpect(1)\n### BEGIN HIDDEN TESTS\n"
                                     "expect(2)\n### END HIDDEN TESTS")
    test.metadata["nbgrader"] = {"grade_id": "test_f", "grade": True, "solution": False,
                                 "locked": True, "points": 1, "schema_version": 3}
    nb.cells = [solution, stub, markdown, test]
    return nb


def test_outputs_are_reduced_to_safe_text():
    nb = sanitize_notebook_outputs(hostile_notebook())
    nbformat.validate(nb)
    outs = nb.cells[0].outputs
    assert [o.output_type for o in outs] == ["execute_result"] + ["display_data"] * 6 + \
        ["stream", "error"]
    assert outs[0].data == {"text/plain": "<Thing>"}
    assert outs[1].data == {"text/plain": "[HTML output removed from feedback]"}
    assert outs[2].data == {"text/plain": "[JavaScript output removed from feedback]"}
    assert outs[3].data == {"text/plain": "[SVG output removed from feedback]"}
    assert outs[4].data == {"text/plain": "IntSlider(value=3)"}
    assert outs[5].data == {"image/png": "iVBORw0KGgo="}
    assert outs[5].metadata == {"image/png": {"width": 300}}
    assert "onerror" not in str(outs[6].data)
    assert outs[7].text == "printed\n"
    assert (outs[8].ename, outs[8].evalue) == ("ValueError", "bad shape in <path>")
    assert outs[8].traceback == ["ValueError: bad shape in <path>"]
    stub = nb.cells[1].outputs[0]
    assert stub.output_type == "error" and stub.traceback == ["not attempted"]
    assert "widgets" not in nb.metadata
    page, _ = HTMLExporter().from_notebook_node(nb)  # renders, and shows no learner markup
    assert "not attempted" in page and "alert(1)" not in page and "/tmp/llmz" not in page


def test_hidden_test_markers_in_learner_cells_cannot_break_nbgrader():
    with pytest.raises(RuntimeError):  # without the fix, feedback generation would fail
        ClearHiddenTests().preprocess(hostile_notebook(), {})
    nb = sanitize_notebook_outputs(hostile_notebook())
    assert nb.cells[0].source == "def f():\n    # [marker removed]\n    pass"
    assert "hidden" not in nb.cells[2].source.lower()
    assert "### BEGIN HIDDEN TESTS" in nb.cells[3].source  # the real test cell is untouched
    cleared, _ = ClearHiddenTests().preprocess(nb, {})
    assert "expect(2)" not in cleared.cells[3].source and "expect(1)" in cleared.cells[3].source


def test_forged_test_metadata_is_not_trusted_when_the_ids_are_known():
    nb = hostile_notebook()
    nb.cells[0].metadata["nbgrader"].update(grade=True, solution=False)  # pretends to be a test
    sanitize_notebook_outputs(nb, test_ids={"test_f"})
    assert "HIDDEN" not in nb.cells[0].source and "HIDDEN" in nb.cells[3].source


def test_odd_metadata_is_not_a_crash():
    nb = hostile_notebook()
    nb.cells[2].metadata["nbgrader"] = "not a dict"
    nb.cells[0].outputs[5].metadata = {"image/png": "not a dict"}
    nb = sanitize_notebook_outputs(nb)
    assert nb.cells[0].outputs[5].metadata == {}


def test_markers_and_paths():
    assert neutralise_markers("x\n#BEGIN  HIDDEN\tTESTS\nEND_HIDDEN_TEST") == \
        "x\n# [marker removed]\n# [marker removed]"
    assert scrub_paths('File "/tmp/llmz-grade-abc/course/x.py", line 3') == \
        'File "<path>", line 3'
    assert scrub_paths("/work/main/x and /root/.cache/y and C:\\Users\\me\\x.py") == \
        "<path> and <path> and <path>"
    for same in ("see https://pytorch.org/docs/stable/x.html", "a/b/c", "1/2 and 3 / 4"):
        assert scrub_paths(same) == same
