"""Invariants of the course's notebooks: one name per chapter, canonical setup cells, no stored
outputs, no leaked solutions, and a stable graded interface per task."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import nbformat
import pytest
import yaml

from autograder.course import _graded_cells, assignments
from autograder.setup_cell import notebooks, setup_source

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = sorted(p.stem for p in (ROOT / "chapters").glob("*.ipynb"))


def test_every_chapter_has_its_three_faces_under_one_name():
    assert CHAPTERS, "no chapters found"
    for name in CHAPTERS:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+", name), f"chapter name {name} is not NN_topic"
        assert (ROOT / "solutions" / name / f"{name}.ipynb").exists(), f"{name}: no solutions"
        assert (ROOT / "exercises" / name / f"{name}.ipynb").exists(), f"{name}: no exercise"
        assert (ROOT / "autograder" / "wrong" / name).is_dir(), f"{name}: no wrong implementations"
    assert sorted(assignments()) == CHAPTERS


def test_toc_lists_every_chapter_and_exercise():
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text())
    files = {c["file"] for part in toc["parts"] for c in part["chapters"]}
    for name in CHAPTERS:
        assert f"chapters/{name}" in files
        assert f"exercises/{name}/{name}" in files


@pytest.mark.parametrize("path", notebooks(), ids=lambda p: str(p.relative_to(ROOT)))
def test_first_cell_is_the_canonical_setup_cell(path):
    nb = nbformat.read(path, as_version=4)
    assert nb.cells[0].source == setup_source(), (
        f"{path.name}: run `python -m autograder setup-cells` to regenerate its first cell")


@pytest.mark.parametrize("path", [p for p in notebooks() if "solutions" not in p.parts],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_learner_notebooks_are_stored_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs, f"{path.name}: stored outputs (strip them; the book runs it)"


def _hidden_only_lines(nb) -> set[str]:
    """Lines that occur only inside hidden-test blocks (visible tests may repeat a hidden line)."""
    hidden, visible = set(), set()
    for cell in nb.cells:
        for block in re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS",
                                cell.source, re.S):
            hidden |= {l.strip() for l in block.splitlines() if len(l.strip()) > 30}
        rest = re.sub(r"### BEGIN HIDDEN TESTS\n.*?### END HIDDEN TESTS", "", cell.source,
                      flags=re.S)
        visible |= {l.strip() for l in rest.splitlines()}
    return hidden - visible


@pytest.mark.parametrize("name", assignments())
def test_released_exercise_has_no_solutions_or_hidden_tests(name):
    release = nbformat.read(ROOT / "exercises" / name / f"{name}.ipynb", as_version=4)
    text = "\n".join(c.source for c in release.cells)
    assert "BEGIN SOLUTION" not in text and "BEGIN HIDDEN TESTS" not in text
    source = nbformat.read(ROOT / "solutions" / name / f"{name}.ipynb", as_version=4)
    hidden = _hidden_only_lines(source)
    assert hidden, f"{name}: no hidden tests"
    released_lines = {l.strip() for l in text.splitlines()}
    for line in hidden:
        assert line not in released_lines, f"hidden test line leaked: {line}"


@pytest.mark.parametrize("name", assignments())
def test_each_task_has_a_stable_interface_and_graded_tests(name):
    nb = nbformat.read(ROOT / "solutions" / name / f"{name}.ipynb", as_version=4)
    tasks, owner = _graded_cells(nb)
    assert len(tasks) >= 4, f"{name}: at least four graded tasks"
    cells = {c.metadata["nbgrader"]["grade_id"]: c for c in nb.cells
             if "nbgrader" in c.metadata}
    for task in tasks:
        tree = ast.parse(cells[task].source)
        fn = next((n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == task),
                  None)
        assert fn is not None, f"{task}: the solution cell must define {task}()"
        args = fn.args.args + fn.args.kwonlyargs
        assert fn.returns is not None and all(a.annotation is not None for a in args), (
            f"{task}: the signature must be fully typed")
        assert ast.get_docstring(fn), f"{task}: docstring"
        tests = [gid for gid, t in owner.items() if t == task]
        assert tests, f"{task}: no test cells"
        for gid in tests:
            first = cells[gid].source.splitlines()[0]
            assert first.startswith("%%graded ") and task in first.split(), (
                f"{gid}: must start with %%graded {task}")
        assert any("### BEGIN HIDDEN TESTS" in cells[g].source for g in tests), \
            f"{task}: no hidden tests"


@pytest.mark.parametrize("name", CHAPTERS)
def test_chapter_and_exercise_link_to_each_other(name):
    chapter = nbformat.read(ROOT / "chapters" / f"{name}.ipynb", as_version=4)
    text = "".join(c.source for c in chapter.cells if c.cell_type == "markdown")
    assert f"../exercises/{name}/{name}.ipynb" in text, f"chapter {name} does not link its exercise"
    source = nbformat.read(ROOT / "solutions" / name / f"{name}.ipynb", as_version=4)
    text = "".join(c.source for c in source.cells if c.cell_type == "markdown")
    assert f"../../chapters/{name}.ipynb" in text, f"exercise {name} does not link its chapter"
