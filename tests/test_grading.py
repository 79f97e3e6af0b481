"""The grading pipeline end to end.

1. The ``%%graded`` checker in a live kernel: results cross the process boundary as data, a
   patched ``torch.allclose`` fools nothing, forbidden library calls fail, hidden source never
   shows in an error.
2. A hostile class graded by ``python -m autograder grade`` from an LMS-style zip: every broken or
   tampered submission gets its own row with the right score and a clear message, the batch
   completes, the originals are untouched, and no hidden test reaches the feedback.
"""
from __future__ import annotations

import copy
import csv
import hashlib
import json
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from autograder.course import EXERCISES, SOLUTIONS, _graded_cells, assignments

ROOT = Path(__file__).resolve().parent.parent


def _run_cells(sources: list[str]):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.cells = [nbformat.v4.new_code_cell(s) for s in sources]
    NotebookClient(nb, timeout=120, allow_errors=True, kernel_name="python3").execute()
    out = []
    for cell in nb.cells:
        text = "".join(o.get("text", "") for o in cell.outputs
                       if o.output_type == "stream" and o.name == "stdout")
        errs = [o for o in cell.outputs if o.output_type == "error" or
                (o.output_type == "stream" and o.name == "stderr")]  # both cost nbgrader points
        out.append((text, errs[0] if errs else None))
    return out


def test_checker_runs_checks_outside_the_learner_kernel():
    res = _run_cells([
        "import llmz.grading\nimport torch",
        "def double(x):\n    return 3 * x",  # wrong on purpose
        "torch.allclose = lambda *a, **k: True\n"
        "import numpy.testing\nnumpy.testing.assert_allclose = lambda *a, **k: None",
        "%%graded double\n"
        "x = torch.arange(4.0)\n"
        "expect(torch.allclose(double(x), 2 * x), 'doubling: every value times two')\n"
        "### BEGIN HIDDEN TESTS\nsecret_marker_line = 42\n### END HIDDEN TESTS",
        "def uses_library(x):\n    return torch.nn.functional.softmax(x, -1)",
        "%%graded uses_library --forbid torch.nn.functional.softmax\nuses_library(torch.ones(3))",
        "%%graded not_defined_anywhere\nnot_defined_anywhere(1)",
        "def good(x):\n    return {'a': [x, (x, {x})]}",
        "%%graded good\nexpect_equal(good(1), {'a': [1, (1, {1})]}, 'nested data round-trips')",
        "import warnings, sys\ndef noisy(x):\n    warnings.warn('deprecated thing')\n"
        "    print('debug', file=sys.stderr)\n    return x",
        "%%graded noisy\nexpect_equal(noisy(2), 2, 'identity')",
    ])
    text, err = res[3]
    assert err is not None and err.ename == "GradingError", "a patched allclose fooled the check"
    assert "doubling" in err.evalue
    assert "secret_marker_line" not in json.dumps(err), "hidden source leaked into the error"
    assert res[5][1] is not None and "torch.nn.functional.softmax" in res[5][1].evalue
    assert res[6][1] is not None and "not defined" in res[6][1].evalue
    assert res[8][1] is None and "ok" in res[8][0]
    text, err = res[10]  # a warning or a stderr print in learner code costs nothing
    assert err is None and "note: `noisy` raised a warning" in text and "debug" in text


# ------------------------------------------------------------------------- hostile class

ASSIGNMENT = "01_rnn" if "01_rnn" in assignments() else (assignments() or [None])[0]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _make_class(tmp: Path) -> tuple[dict, dict]:
    """Write hostile submissions; return {student: expectation} and task facts."""
    a = ASSIGNMENT
    source = nbformat.read(SOLUTIONS / a / f"{a}.ipynb", as_version=4)
    tasks, owner = _graded_cells(source)
    first, points = tasks[0], {}
    for c in source.cells:
        meta = c.metadata.get("nbgrader", {})
        if meta.get("grade"):
            points[owner[meta["grade_id"]]] = points.get(owner[meta["grade_id"]], 0) + meta["points"]
    total = sum(points.values())

    def cell_of(nb, gid):
        return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)

    def write(student, nb):
        d = tmp / "class" / student
        d.mkdir(parents=True)
        nbformat.write(nb, d / f"{a}.ipynb")

    sol = lambda: copy.deepcopy(source)  # noqa: E731
    expect = {}
    write("perfect", sol()); expect["perfect"] = ("graded", total)
    write("stub", nbformat.read(EXERCISES / a / f"{a}.ipynb", as_version=4))
    expect["stub"] = ("graded", 0)
    (tmp / "class" / "broken").mkdir(parents=True)
    (tmp / "class" / "broken" / f"{a}.ipynb").write_text('{"cells": [ this is not json')
    expect["broken"] = ("invalid", 0)

    nb = sol(); c = cell_of(nb, first)
    c.source = re.sub(rf"def {first}\(", f"def {first}_renamed(", c.source)
    write("renamed", nb); expect["renamed"] = ("graded", total - points[first])

    nb = sol()
    nb.cells = [c for c in nb.cells if not (c.metadata.get("nbgrader", {}).get("grade")
                                            and not c.metadata["nbgrader"].get("solution"))]
    write("deleted_tests", nb); expect["deleted_tests"] = ("graded", total)

    nb = sol(); c = cell_of(nb, first)
    c.source = "raise RuntimeError('crash while importing')\n" + c.source
    write("import_error", nb); expect["import_error"] = ("graded", total - points[first])

    nb = sol(); c = cell_of(nb, first)
    c.source = re.sub(rf"(def {first}\(.*?\).*?:\n)", r"\1    while True:\n        pass\n",
                      c.source, count=1, flags=re.S)
    write("infinite_loop", nb); expect["infinite_loop"] = ("graded", total - points[first])

    nb = sol(); nb.cells.insert(2, nbformat.v4.new_code_cell("import os\nos._exit(1)"))
    write("kernel_exit", nb); expect["kernel_exit"] = ("error", 0)

    nb = sol(); c = cell_of(nb, first)
    c.source = re.sub(rf"(def {first}\(.*?\).*?:\n)", r"\1    return None\n", c.source,
                      count=1, flags=re.S)
    for cell in nb.cells:  # "make the tests pass" by editing the locked test cells
        if owner.get(cell.metadata.get("nbgrader", {}).get("grade_id")) == first:
            cell.source = "pass"
    write("edited_tests", nb); expect["edited_tests"] = ("graded", total - points[first])

    wrong = sorted((ROOT / "autograder" / "wrong" / a).glob(f"{first}__*.py"))[0]
    nb = sol(); c = cell_of(nb, first)
    c.source = ("import torch, numpy.testing\n"
                "torch.allclose = lambda *a, **k: True\n"
                "torch.equal = lambda *a, **k: True\n"
                "numpy.testing.assert_allclose = lambda *a, **k: None\n" + wrong.read_text())
    write("patches_libraries", nb)
    expect["patches_libraries"] = ("graded", ("<", total))

    snoop = (
        "import glob, os\n"
        f"print('SOLUTIONS', glob.glob({str(ROOT / 'solutions')!r} + '/*'))\n"
        "print('PARENT', sorted(os.listdir('../..')) if os.access('../..', os.R_OK) else [])\n"
        "for target in [%r, '../../../gradebook.db']:\n"
        "    try:\n"
        "        open(target, 'a').close(); print('WROTE', target)\n"
        "    except OSError as e:\n"
        "        print('BLOCKED', target)\n" % str(ROOT / "llmz" / "__init__.py"))
    nb = sol(); nb.cells.insert(2, nbformat.v4.new_code_cell(snoop))
    write("snoop", nb); expect["snoop"] = ("graded", total)
    return expect, {"first": first, "total": total, "source": source}


@pytest.mark.skipif(ASSIGNMENT is None, reason="no assignment yet")
def test_hostile_class_from_an_lms_zip(tmp_path):
    expect, facts = _make_class(tmp_path)
    # the LMS download: a zip, with one student in Canvas's flat naming
    zpath = tmp_path / "submissions.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for nb in sorted((tmp_path / "class").rglob("*.ipynb")):
            student = nb.parent.name
            arc = (f"{student}_1234_5678_{nb.name}" if student == "perfect"
                   else f"{student}/{nb.name}")
            zf.write(nb, arc)
    before = {p: _sha(p) for p in (tmp_path / "class").rglob("*") if p.is_file()}
    before[zpath] = _sha(zpath)
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(zpath), "-a",
                           ASSIGNMENT, "-o", str(out), "--timeout", "20", "--jobs", "2"], cwd=ROOT,
                          capture_output=True, text=True, timeout=1800)
    print(proc.stdout[-6000:], proc.stderr[-3000:])
    assert proc.returncode == 0, "the batch must complete"
    rows = {r["student"]: r for r in csv.DictReader(open(out / "grades.csv"))}
    assert set(rows) == set(expect), f"one row per student: {sorted(rows)}"
    for student, (status, score) in expect.items():
        row = rows[student]
        assert row["status"] == status, f"{student}: status {row['status']} ({row['message']})"
        got = float(row["score"])
        if isinstance(score, tuple):
            assert got < score[1], f"{student}: patched libraries still scored {got}"
        else:
            assert got == score, f"{student}: scored {got}, expected {score} ({row['message']})"
        if status != "graded" or got < facts["total"]:
            assert row["message"], f"{student}: a lost point needs a message"
    assert "not a valid notebook" in rows["broken"]["message"]
    assert "not defined" in rows["renamed"]["message"]
    assert "restored" in rows["deleted_tests"]["message"]
    assert "time limit" in rows["infinite_loop"]["message"]
    assert "kernel died" in rows["kernel_exit"]["message"]
    # originals untouched
    assert {p: _sha(p) for p in before} == before
    # hidden tests never reach learners
    hidden = []
    for cell in facts["source"].cells:
        for block in re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS",
                                cell.source, re.S):
            hidden += [l.strip() for l in block.splitlines() if len(l.strip()) > 25]
    released = (EXERCISES / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").read_text()
    hidden = [line for line in hidden if json.dumps(line)[1:-1] not in released]
    assert hidden, "the assignment has hidden tests"
    feedback = list((out / "feedback").rglob("*.html"))
    assert len(feedback) >= len(expect) - 2
    import html as _html
    for fb in feedback + [out / "grades.csv"]:
        text = _html.unescape(fb.read_text())
        for line in hidden:
            assert line not in text, f"hidden test leaked into {fb.name}: {line}"
    # the sandbox (root only: CI and grading containers run as root)
    snoop_fb = _html.unescape((out / "feedback" / "snoop" / f"{ASSIGNMENT}.html").read_text())
    if os.geteuid() == 0:
        assert "SOLUTIONS []" in snoop_fb, "learner code could list the solutions"
        assert not re.search(r"WROTE (/|\.\.)", snoop_fb), \
            "learner code could write the course or the gradebook"
        assert re.search(r"BLOCKED /", snoop_fb) and re.search(r"BLOCKED \.\./", snoop_fb)
