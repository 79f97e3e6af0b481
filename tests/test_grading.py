"""The ``%%graded`` checker in practising mode (a live kernel), and the grader's pieces that need
no sandbox: results cross the process boundary as typed data, a patched ``torch.allclose`` fools
nothing, forbidden calls fail, mutation and lost gradients are seen, hidden source never shows.
The hostile class graded by the real command is ``tests/test_hostile_class.py``.
"""
from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder.course import SOLUTIONS, assignments

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


def test_checker_sees_mutation_types_and_gradients():
    res = _run_cells([
        "import llmz.grading\nimport torch, numpy as np",
        "def scale_inplace(x):\n    x.mul_(2)\n    return x",
        "%%graded scale_inplace\nscale_inplace(torch.ones(3))",
        "def as_numpy(x):\n    return (2 * x).numpy()",
        "%%graded as_numpy\nexpect_tensor(as_numpy(torch.ones(3)), 'doubling returns a tensor')",
        "def no_grad_sq(x):\n    with torch.no_grad():\n        return x * x",
        "%%graded no_grad_sq\nv, g = grads_of(no_grad_sq, torch.ones(3))\n"
        "expect(g is not None, 'the square must carry a gradient')",
        "def sq(x):\n    return x * x",
        "%%graded sq\nx = torch.arange(3.0)\nv, (g,) = grads_of(sq, x, seed=1)\n"
        "r = torch.randn(3, generator=torch.Generator().manual_seed(1), dtype=torch.float64).float()\n"
        "expect_close(g, 2 * x * r, 'd(x^2)/dx = 2x')\nexpect_tensor(sq(x), 'sq', shape=(3,))",
        "def stub(x):\n    raise NotImplementedError()",
        "%%graded stub\nstub(1)",
    ])
    assert res[2][1] is not None and "in place" in res[2][1].evalue, res[2]
    assert res[4][1] is not None and "torch.Tensor" in res[4][1].evalue and "ndarray" in res[4][1].evalue
    assert res[6][1] is not None and "gradient" in res[6][1].evalue
    assert res[8][1] is None, res[8]
    assert res[10][1] is not None and "not attempted" in res[10][1].evalue


def test_forbid_lists_expand_to_aliases_and_course_helpers():
    from llmz.grading import expand_forbid

    f = expand_forbid(["torch.nn.functional.nll_loss"], ["perplexity", "pair_counts"])
    assert "torch._C._nn.nll_loss_nd" in f and "llmz.bpe.pair_counts" in f


def test_reference_source_holds_no_test_body():
    from autograder.course import reference_source

    for a in assignments():
        nb = nbformat.read(SOLUTIONS / a / f"{a}.ipynb", as_version=4)
        ref = reference_source(nb)
        for cell in ref.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade") and not meta.get("solution"):
                assert cell.source.startswith(f"%%graded --ref {meta['grade_id']}\n")
                assert "HIDDEN" not in cell.source and "expect" not in cell.source
            assert "HIDDEN TESTS" not in cell.source, (a, cell.source[:80])


def test_hidden_checker_helpers_reach_the_checker_only():
    """A ``%%checker_helpers`` cell may hold a hidden region: helpers that only hidden tests
    use. The release and the grading kernel's copy lose it; the checker's bodies keep it."""
    from autograder.checker_service import test_cells
    from autograder.course import reference_source, without_hidden
    from llmz.grading import HELPERS_MAGIC

    helpers = (HELPERS_MAGIC + "\ndef shown(x):\n    return x\n### BEGIN HIDDEN TESTS\n"
               "def secret_oracle(x):\n    return 2 * x\n### END HIDDEN TESTS")
    src = nbformat.v4.new_notebook()
    src.cells = [nbformat.v4.new_code_cell(helpers),
                 nbformat.v4.new_code_cell("%%graded double\nexpect(double(1) == 2, 'd')\n"
                                           "### BEGIN HIDDEN TESTS\nexpect(double(3) == "
                                           "secret_oracle(3), 'h')\n### END HIDDEN TESTS")]
    src.cells[0].metadata["nbgrader"] = {"grade": False, "grade_id": "h", "locked": True}
    src.cells[1].metadata["nbgrader"] = {"grade": True, "grade_id": "t1", "points": 1}
    assert without_hidden(helpers) == HELPERS_MAGIC + "\ndef shown(x):\n    return x"
    kernel = reference_source(src)
    assert "secret_oracle" not in nbformat.writes(kernel)
    (_, _, _, body), = test_cells(src).values()
    assert "def secret_oracle" in body and "def shown" in body
    for a in assignments():  # and the released exercises hold none of it
        text = (SOLUTIONS.parent / "exercises" / a / f"{a}.ipynb").read_text()
        assert "HIDDEN TESTS" not in text, a


def test_static_review_flags_shortcuts():
    from autograder.static_review import review

    notes = review({"rnn_cell": "import torch\ndef rnn_cell(*a):\n"
                                "    return list(map(torch.rnn_tanh_cell, *a))[0]",
                    "ok": "def ok(x):\n    return x + 1",
                    "sneaky": "import sys\ndef sneaky(x):\n    sys.setprofile(None)\n"},
                   ["torch.rnn_tanh_cell"])
    assert any(n.startswith("rnn_cell: mentions torch.rnn_tanh_cell") for n in notes)
    assert any(n.startswith("sneaky:") and "profiler" in n for n in notes)
    assert not any(n.startswith("ok:") for n in notes)


def test_without_a_sandbox_grading_for_credit_is_refused(monkeypatch):
    import pytest

    import autograder.course as course
    import autograder.sandbox_kernel as sk

    monkeypatch.setattr(sk, "isolation", lambda: {"full": False, "bwrap": None, "root": False,
                                                  "cgroups": False, "summary": "no sandbox"})
    with pytest.raises(SystemExit, match="--allow-unisolated"):
        course.grade_one("01_rnn", "bob", SOLUTIONS / "01_rnn" / "01_rnn.ipynb")
    res = course.grade_one("01_rnn", "bob", SOLUTIONS / "01_rnn" / "01_rnn.ipynb",
                           allow_unisolated=True)
    assert res.status == "graded" and res.score == res.max_score, res.message
    assert res.isolation.startswith("UNISOLATED")


def test_checker_helpers_run_in_the_checker_and_come_from_the_source():
    """``%%checker_helpers`` definitions reach every later test body; without --run-here they
    stay out of the learner's kernel; re-running a helper cell replaces it; and the grader's
    test bodies start with the helpers of the source notebook, not of a submission."""
    res = _run_cells([
        "import llmz.grading\nimport torch",
        "%%checker_helpers\ndef oracle(x):\n    return 2 * x",
        "def double(x):\n    return x + x",
        "%%graded double\nexpect_close(double(torch.ones(2)), oracle(torch.ones(2)), 'doubling')",
        "print('oracle' in globals())",
        "%%checker_helpers --run-here\ndef make_input():\n    return torch.arange(3.0)",
        "print(make_input().tolist())",
        "%%checker_helpers\ndef oracle(x):\n    return 3 * x",  # the same helper, redefined
        "%%graded double\nexpect_close(double(torch.ones(2)), oracle(make_input()[:2] * 0 + 1), 'tripled')",
    ])
    assert res[1][1] is None and "oracle" in res[1][0]
    assert res[3][1] is None and "ok" in res[3][0], res[3]
    assert res[4][0].strip() == "False", "a checker helper leaked into the learner's kernel"
    assert res[6][0].strip() == "[0.0, 1.0, 2.0]"
    assert res[8][1] is not None and "tripled" in res[8][1].evalue, "the redefined helper was not used"

    from autograder.checker_service import test_cells
    from llmz.grading import HELPERS_MAGIC, helper_source

    src = nbformat.v4.new_notebook()
    src.cells = [nbformat.v4.new_code_cell(HELPERS_MAGIC + "\ndef oracle(x):\n    return 2 * x"),
                 nbformat.v4.new_code_cell("%%graded double\nexpect(double(1) == oracle(1), 'd')")]
    src.cells[1].metadata["nbgrader"] = {"grade": True, "grade_id": "t1", "points": 1}
    assert helper_source(src).startswith("def oracle(x):")
    (names, _, _, body), = test_cells(src).values()
    assert names == ["double"] and body.startswith("def oracle(x):") and body.endswith("'d')")


def test_checker_helpers_in_the_exercises_are_locked():
    """A learner cannot edit the helpers the tests use: every ``%%checker_helpers`` cell of an
    exercise source is a locked nbgrader cell."""
    from llmz.grading import HELPERS_MAGIC

    found = 0
    for name in assignments():
        nb = nbformat.read(SOLUTIONS / name / f"{name}.ipynb", as_version=4)
        for cell in nb.cells:
            if cell.source.startswith(HELPERS_MAGIC):
                found += 1
                meta = cell.metadata.get("nbgrader", {})
                assert meta.get("locked") and not meta.get("solution") and not meta.get("grade"), \
                    (name, meta)
    assert found >= 3


def test_forbid_patterns_match_every_copy_without_importing():
    """A forbid entry may be a pattern: transformers keeps a copy of the same function in each
    model's file (``apply_rotary_pos_emb``, ``eager_attention_forward``, ``*RMSNorm``), and a
    learner must not reach any of them. The plan finds them in the source files, by place."""
    import sys

    import torch

    from llmz.grading import _Forbidden, _glob_places, forbid_plan

    pattern = "transformers.models.*.modeling_*.apply_rotary_pos_emb"
    places = _glob_places(pattern)
    assert len(places) > 50, "one copy per model family"
    plan = forbid_plan([pattern])
    assert pattern in plan["lazy"] and not plan["resolved"]
    import transformers.models.qwen2.modeling_qwen2 as qwen2

    code = qwen2.apply_rotary_pos_emb.__code__
    assert [qwen2.__name__, code.co_firstlineno] in plan["lazy"][pattern]
    methods = _glob_places("transformers.models.*.modeling_*.*RMSNorm")[qwen2.__name__]
    assert qwen2.Qwen2RMSNorm.forward.__code__.co_firstlineno in methods
    guard = _Forbidden([pattern])  # the practice-mode detector matches by place too
    q = torch.zeros(1, 1, 2, 4)
    sys.setprofile(guard)
    try:
        qwen2.apply_rotary_pos_emb(q, q, torch.ones(1, 2, 4), torch.zeros(1, 2, 4))
    finally:
        sys.setprofile(None)
    assert guard.hit == pattern
    # importing a model's module runs its class bodies: that is no call of a forbidden class
    methods = _glob_places("transformers.models.*.modeling_*.*RMSNorm")[qwen2.__name__]
    class_line = qwen2.Qwen2RMSNorm.forward.__code__.co_firstlineno
    assert not any("class Qwen2RMSNorm" in open(qwen2.__file__).read().splitlines()[n - 1]
                   for n in methods), class_line
