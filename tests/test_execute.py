"""The book's parallel chapter execution (autograder/execute.py) and the grader's warm helpers
(autograder/warm.py): a cache that cannot go stale, and forks that start clean."""
from __future__ import annotations

import os
import shutil
import time

from autograder import warm
from autograder.execute import DEPENDS, ROOT, chapters, fingerprint


def test_the_book_executes_every_chapter_and_no_exercise():
    got = [p.relative_to(ROOT).as_posix() for p in chapters()]
    want = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "chapters").glob("*.ipynb"))
    assert sorted(got) == want and not any(g.startswith("exercises/") for g in got)


def test_cache_fingerprint_changes_with_llmz_requirements_and_profile(tmp_path, monkeypatch):
    for name in DEPENDS:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            shutil.copy(src, tmp_path / name)
    base = fingerprint(tmp_path)
    assert fingerprint(tmp_path) == base, "the fingerprint is deterministic"
    (tmp_path / "llmz" / "__pycache__").mkdir(exist_ok=True)
    (tmp_path / "llmz" / "__pycache__" / "x.pyc").write_bytes(b"bytecode")
    assert fingerprint(tmp_path) == base, "bytecode caches do not count"
    helper = tmp_path / "llmz" / "gpt.py"
    helper.write_text(helper.read_text() + "\n# a changed helper\n")
    changed = fingerprint(tmp_path)
    assert changed != base, "a change in llmz invalidates every cached chapter"
    asset = next(p for p in (tmp_path / "llmz" / "assets").rglob("*") if p.is_file())
    asset.write_bytes(asset.read_bytes() + b" ")
    assert fingerprint(tmp_path) != changed, "so does a change in a shipped asset"
    (tmp_path / "constraints.txt").write_text("torch==0.0\n")
    pinned = fingerprint(tmp_path)
    monkeypatch.setenv("LLMZ_PROFILE", "full")
    assert fingerprint(tmp_path) != pinned, "the small and full profiles never share outputs"


def test_warm_helpers_report_their_exit_code_and_output(tmp_path):
    log = tmp_path / "log"
    code = warm.run("checker", [], tmp_path, {"PATH": os.environ["PATH"]}, log, timeout=120)
    assert code == 2 and "usage: python -m autograder.checker_service" in log.read_text()
    code = warm.run("nbgrader", ["--version"], tmp_path, {"PATH": os.environ["PATH"]}, log,
                    timeout=120)
    assert code == 0 and "nbgrader version" in log.read_text(), log.read_text()


def test_a_helper_past_its_time_is_ended(tmp_path):
    """A checker waits for its kernel forever; the grader ends it (and its group) at the end."""
    source = ROOT / "solutions" / "01_rnn" / "01_rnn.ipynb"
    args = ["--socket", str(tmp_path / "s"), "--source", str(source), "--records", str(tmp_path),
            "--nonce", "x"]
    t0 = time.time()
    assert warm.run("checker", args, tmp_path, dict(os.environ), None, timeout=3) is None
    assert time.time() - t0 < 60
    p = warm.start("checker", args + ["--socket", str(tmp_path / "t")], tmp_path,
                   dict(os.environ))
    time.sleep(1)
    assert p.is_alive()
    warm.stop(p)
    assert not p.is_alive() and p.exitcode == -9


def test_a_helper_ends_when_the_grader_that_asked_for_it_is_killed(tmp_path):
    """kill -9 of the grading command (or of one Dask worker) leaves no checker waiting."""
    import signal
    import subprocess
    import sys

    import psutil

    source = ROOT / "solutions" / "01_rnn" / "01_rnn.ipynb"
    script = ("import sys, time; sys.path.insert(0, sys.argv[1]); from autograder import warm; "
              "p = warm.start('checker', ['--socket', sys.argv[2], '--source', sys.argv[3], "
              "'--records', sys.argv[4], '--nonce', 'x'], sys.argv[4], {}); "
              "print(p.pid, flush=True); time.sleep(600)")
    asker = subprocess.Popen([sys.executable, "-c", script, str(ROOT), str(tmp_path / "s"),
                              str(source), str(tmp_path)], stdout=subprocess.PIPE, text=True)
    pid = int(asker.stdout.readline())
    helper = psutil.Process(pid)
    assert helper.is_running()
    asker.send_signal(signal.SIGKILL)
    asker.wait()
    try:
        helper.wait(timeout=20)
    except psutil.TimeoutExpired:
        helper.kill()
        raise AssertionError("the checker outlived the grader that started it")


def test_the_forkserver_preloads_transformers_only_for_assignments_that_import_it():
    import nbformat

    from autograder.course import SOLUTIONS, needs_hf

    def nb(*sources):
        out = nbformat.v4.new_notebook()
        out.cells = [nbformat.v4.new_code_cell(s) for s in sources]
        return out

    read = (lambda a: nbformat.read(SOLUTIONS / a / f"{a}.ipynb", as_version=4))
    assert not needs_hf(read("01_rnn")), "01_rnn imports torch and llmz.grading only"
    assert needs_hf(read("05_prompting")) and needs_hf(read("07_peft"))
    assert not needs_hf(nb("import torch", "%%graded f\nf(1)", "import llmz.grading"))
    assert needs_hf(nb("%%graded f\nfrom transformers import GPT2Config\nf(1)"))
    assert needs_hf(nb("from llmz.gpt import GPT"))  # through an llmz module that imports it
    assert needs_hf(nb("def f(:"))  # cannot tell: preload everything


def test_make_gpu_refuses_without_a_gpu_and_records_rows(tmp_path, capsys, monkeypatch):
    """`make gpu` runs nothing on a CPU-only machine; with --allow-cpu its table mechanics work
    (checked on a one-cell stand-in chapter, not a real one: that takes minutes)."""
    import nbformat
    import torch

    from autograder import gpu

    if not torch.cuda.is_available():
        assert gpu.main([]) == 2
        assert "no CUDA GPU" in capsys.readouterr().out
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1 + 1")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = tmp_path / "99_stand_in.ipynb"
    nbformat.write(nb, path)
    monkeypatch.setattr(gpu, "chapters", lambda: [path])
    out = tmp_path / "runs.csv"
    assert gpu.main(["--allow-cpu", "--profile", "small", "--out", str(out)]) == 0
    rows = out.read_text().splitlines()
    assert rows[0].startswith("date,chapter,profile,device") and ",99_stand_in,small," in rows[1]
