"""The grade command as a cohort meets it: one Dask job per student on a local cluster
(autograder/engine.py), a worker killed mid-job (the job is retried on another worker), and a
batch stopped at any point that resumes where it stopped (autograder/progress.py). Every run is
the real ``python -m autograder grade``."""
from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from autograder.course import EXERCISES, SOLUTIONS
from autograder.sandbox_kernel import isolation

ROOT = Path(__file__).resolve().parent.parent
A = "01_rnn"
pytestmark = pytest.mark.skipif(not isolation()["full"], reason="needs root and bubblewrap "
                                "(make test installs bubblewrap as root)")


def _cmd(subs, out, *extra):
    return [sys.executable, "-m", "autograder", "grade", str(subs), "-a", A, "-o", str(out),
            "-j", "1", *extra]


def _rows(out):
    with open(out / "grades.csv", encoding="utf-8") as fh:
        return {r["student"]: r for r in csv.DictReader(fh)}


def _stale_cgroups() -> list[str]:
    """Student cgroups whose grading process is gone (a killed grader's leftovers)."""
    out = []
    for p in Path("/sys/fs/cgroup").glob("*/llmz/*-llmz-grade-*"):
        try:
            os.kill(int(p.name.split("-", 1)[0]), 0)
        except ProcessLookupError:
            out.append(str(p))
    return out


def _alive(mark: str) -> list[str]:
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    return [line for line in ps.splitlines() if mark in line]


def test_a_killed_batch_resumes_and_regrades_only_what_changed(tmp_path):
    subs, out = tmp_path / "subs", tmp_path / "out"
    sol = nbformat.read(SOLUTIONS / A / f"{A}.ipynb", as_version=4)
    stub = nbformat.read(EXERCISES / A / f"{A}.ipynb", as_version=4)
    for name, nb in [("ada", sol), ("bob", stub), ("cy", sol)]:
        (subs / name).mkdir(parents=True)
        nbformat.write(nb, subs / name / f"{A}.ipynb")
    proc = subprocess.Popen(_cmd(subs, out), cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 300
    while time.time() < deadline and not list((out / ".ledger").glob("*.json")):
        time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    first = sorted(p.stem for p in (out / ".ledger").glob("*.json"))
    assert 1 <= len(first) < 3, f"killed after {first}"
    assert not (out / "grades.csv").exists(), "no CSV until the batch is complete"
    time.sleep(1)
    assert not _alive(str(tmp_path)), "a killed batch leaves no helper behind"

    again = subprocess.run(_cmd(subs, out), cwd=ROOT, capture_output=True, text=True,
                           timeout=600)
    assert again.returncode == 0, again.stdout[-3000:] + again.stderr[-3000:]
    assert f"({len(first)} already graded" in again.stdout, again.stdout[-2000:]
    assert "engine: dask, 1 worker(s) (local cluster)" in again.stdout
    assert not _stale_cgroups(), "the next run removes what the killed one left behind"
    rows = _rows(out)
    assert {k: r["score"] for k, r in rows.items()} == {"ada": "20", "bob": "0", "cy": "20"}
    assert "score histogram:" in again.stdout and "per-task mean:" in again.stdout
    assert "slowest students:" in again.stdout

    # a changed submission is regraded; a record cut short is regraded; the rest is kept
    stub.cells.append(nbformat.v4.new_markdown_cell("my notes"))
    nbformat.write(stub, subs / "bob" / f"{A}.ipynb")
    (out / ".ledger" / "cy.json").write_text('{"key": "')
    third = subprocess.run(_cmd(subs, out), cwd=ROOT, capture_output=True, text=True,
                           timeout=600)
    assert third.returncode == 0, third.stdout[-3000:]
    assert "(1 already graded" in third.stdout, third.stdout[-2000:]
    assert {k: r["score"] for k, r in _rows(out).items()} == {"ada": "20", "bob": "0",
                                                              "cy": "20"}
    kept = [line for line in third.stdout.splitlines() if " kept" in line and "ada" in line]
    assert kept, third.stdout[-2000:]


def test_a_worker_killed_mid_job_is_retried_on_another(tmp_path):
    import psutil

    subs, out = tmp_path / "subs", tmp_path / "out"
    sol = nbformat.read(SOLUTIONS / A / f"{A}.ipynb", as_version=4)
    stub = nbformat.read(EXERCISES / A / f"{A}.ipynb", as_version=4)
    for name, nb in [("ada", sol), ("bob", stub)]:
        (subs / name).mkdir(parents=True)
        nbformat.write(nb, subs / name / f"{A}.ipynb")
    cmd = _cmd(subs, out)
    cmd[cmd.index("-j") + 1] = "2"
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    me = psutil.Process(proc.pid)
    killed, deadline = None, time.time() + 300
    while killed is None and time.time() < deadline and proc.poll() is None:
        for w in me.children():
            try:
                if "spawn_main" not in " ".join(w.cmdline()):
                    continue  # the forkserver, the resource tracker
                if any("bwrap" in " ".join(d.cmdline()) for d in w.children(recursive=True)):
                    killed = w.pid  # a worker with a kernel running: mid-job
                    w.kill()
                    break
            except psutil.Error:
                continue
        time.sleep(0.2)
    log, _ = proc.communicate(timeout=600)
    assert killed, "never saw a worker mid-job\n" + log[-3000:]
    assert proc.returncode == 0, log[-3000:]
    rows = _rows(out)
    assert {k: r["score"] for k, r in rows.items()} == {"ada": "20", "bob": "0"}, log[-3000:]
    assert all(r["status"] == "graded" for r in rows.values()), log[-3000:]
    time.sleep(1)
    assert not _alive(str(tmp_path)), "the killed worker's helpers are gone"
