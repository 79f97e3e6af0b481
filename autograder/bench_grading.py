"""How fast a class is graded: the same submissions serially, with ``--jobs 2`` threads and on
a Dask local cluster of 2 workers, each through the real grade command's code path.

    python -m autograder bench-grading [-n 50] [-a 01_rnn]

The class is built from the assignment's own notebooks: the solution, the released stub and
the validation's wrong and right implementations, repeated to ``n`` students. It prints each
mode's wall time, its ratio against serial, and how one student's time splits into the checks
(the checker service running the hidden tests) and everything else (nbgrader, the sandboxed
kernel's start and imports, feedback).
"""
from __future__ import annotations

import contextlib
import io
import itertools
import statistics
import tempfile
import time
from pathlib import Path

import nbformat


def build_class(assignment: str, n: int, folder: Path) -> None:
    from .course import EXERCISES, RIGHT, SOLUTIONS, _batches, _with_replacements, _wrong_impls

    pool = [SOLUTIONS / assignment / f"{assignment}.ipynb",
            EXERCISES / assignment / f"{assignment}.ipynb"]
    for where in (None, RIGHT):
        _, impls = _wrong_impls(assignment) if where is None else _wrong_impls(assignment, where)
        for k, batch in enumerate(_batches(impls)):
            pool.append(_with_replacements(assignment, batch, folder / f"_{where is None}{k}.ipynb"))
    for i, src in zip(range(n), itertools.cycle(pool)):
        (folder / "class" / f"student{i:03d}").mkdir(parents=True)
        nb = nbformat.read(src, as_version=4)
        nbformat.write(nb, folder / "class" / f"student{i:03d}" / f"{assignment}.ipynb")


def _run(mode: str, jobs: int, subs: Path, assignment: str, out: Path) -> tuple[float, list]:
    from . import course

    captured: list = []
    real = course.grade_one

    def spy(*a, **kw):
        t0 = time.time()
        res = real(*a, **kw)
        captured.append((time.time() - t0, sum(res.seconds.values())))
        return res

    course.grade_one = spy  # threads only: Dask workers run grade_one in their own processes
    t0 = time.time()
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            course.grade(subs, assignment, out, jobs=jobs, engine=mode, regrade=True)
    finally:
        course.grade_one = real
    return time.time() - t0, captured


def main(n: int = 50, assignment: str = "01_rnn") -> int:
    with tempfile.TemporaryDirectory(prefix="llmz-bench-") as tmp:
        tmp = Path(tmp)
        build_class(assignment, n, tmp)
        subs = tmp / "class"
        rows = []
        for label, mode, jobs in [("serial (threads, --jobs 1)", "threads", 1),
                                  ("threads, --jobs 2", "threads", 2),
                                  ("dask local cluster, 2 workers", "dask", 2)]:
            took, per = _run(mode, jobs, subs, assignment, tmp / f"out-{mode}-{jobs}")
            rows.append((label, took, per))
            print(f"{label:<32} {took:7.1f} s", flush=True)
        serial = rows[0][1]
        print(f"\n{n} submissions of {assignment}")
        print(f"{'mode':<32} {'wall s':>8} {'vs serial':>10} {'s/student':>10}")
        for label, took, _ in rows:
            print(f"{label:<32} {took:8.1f} {serial / took:9.2f}x {took / n:10.1f}")
        per = rows[0][2]
        if per:
            total = statistics.median(t for t, _ in per)
            checks = statistics.median(c for _, c in per)
            print(f"\none student, serial (median of {len(per)}): {total:.1f} s = checks "
                  f"{checks:.1f} s (hidden tests in the checker service) + {total - checks:.1f} s "
                  "else (nbgrader, the sandboxed kernel's start and imports, learner code, "
                  "feedback)")
    return 0
