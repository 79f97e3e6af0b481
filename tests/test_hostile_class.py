"""A hostile class graded by the real command, ``python -m autograder grade`` (zip, --jobs 2).

Every row is asserted: forged verdicts (a replaced magic, an input transformer, a patched
checker client, a fake checker server), hidden tests hunted in memory, on disk and over the
network, forbidden shortcuts (the profiler switched off, private aliases, partial, map, the
course's own helpers), students attacking each other (a daemon, a vandal), fork, memory and disk
bombs, the LMS zip's awkward entries, and the older cases (broken JSON, renamed function, deleted
or edited tests, import error, infinite loop, kernel exit, patched libraries).
"""
from __future__ import annotations

import copy
import csv
import hashlib
import html
import json
import os
import re
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.course import EXERCISES, SOLUTIONS, _graded_cells
from autograder.sandbox_kernel import isolation

ROOT = Path(__file__).resolve().parent.parent
A = "01_rnn"
ISO = isolation()
pytestmark = pytest.mark.skipif(not ISO["full"], reason="needs root and bubblewrap: "
                                f"{ISO['summary']} (make test installs bubblewrap as root)")

MARK = "llmz-hostile-daemon-7f3a"


def _cell(nb, gid):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == gid)


def _hidden_lines(source) -> list[str]:
    released = (EXERCISES / A / f"{A}.ipynb").read_text()
    out = []
    for cell in source.cells:
        for block in re.findall(r"### BEGIN HIDDEN TESTS\n(.*?)### END HIDDEN TESTS",
                                cell.source, re.S):
            out += [l.strip() for l in block.splitlines() if len(l.strip()) > 25]
    return [l for l in out if json.dumps(l)[1:-1] not in released]


def _build(tmp: Path):
    source = nbformat.read(SOLUTIONS / A / f"{A}.ipynb", as_version=4)
    stub_nb = nbformat.read(EXERCISES / A / f"{A}.ipynb", as_version=4)
    tasks, owner = _graded_cells(source)
    points: dict[str, float] = {}
    for c in source.cells:
        meta = c.metadata.get("nbgrader", {})
        if meta.get("grade"):
            points[owner[meta["grade_id"]]] = points.get(owner[meta["grade_id"]], 0) + meta["points"]
    total = sum(points.values())
    sol = lambda: copy.deepcopy(source)  # noqa: E731
    stub = lambda: copy.deepcopy(stub_nb)  # noqa: E731
    entries: dict[str, bytes] = {}   # zip entry name -> content
    expect: dict[str, tuple] = {}    # student -> (status, score or ("<", x), extra checks)

    def add(student, nb, status="graded", score=0.0, name=None):
        entries[name or f"{student}/{A}.ipynb"] = nbformat.writes(nb).encode()
        expect[student] = (status, score)

    def first_cell(nb, code):
        nb.cells.insert(1, nbformat.v4.new_code_cell(code))
        return nb

    add("perfect", sol(), score=total, name=f"perfect_1234_5678_{A}.ipynb")  # Canvas naming
    add("stub", stub())
    entries[f"broken/{A}.ipynb"] = b'{"cells": [ this is not json'
    expect["broken"] = ("invalid", 0.0)

    nb = sol(); c = _cell(nb, "bigram_lm")
    c.source = c.source.replace("def bigram_lm(", "def bigram_lm_renamed(")
    add("renamed", nb, score=total - points["bigram_lm"])
    nb = sol()
    nb.cells = [c for c in nb.cells if not (c.metadata.get("nbgrader", {}).get("grade")
                                            and not c.metadata["nbgrader"].get("solution"))]
    add("deleted_tests", nb, score=total)
    nb = sol(); c = _cell(nb, "bigram_lm")
    c.source = "raise RuntimeError('crash while importing')\n" + c.source
    add("import_error", nb, score=total - points["bigram_lm"])
    nb = sol(); c = _cell(nb, "bigram_lm")
    c.source = re.sub(r"(def bigram_lm\(.*?\).*?:\n)", r"\1    while True:\n        pass\n",
                      c.source, count=1, flags=re.S)
    add("infinite_loop", nb, score=total - points["bigram_lm"])
    add("kernel_exit", first_cell(sol(), "import os\nos._exit(1)"), status="error")
    nb = stub()
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade"):
            cell.source = "print('ok: all checks in this cell passed')"
    add("edited_tests", nb)
    nb = stub(); c = _cell(nb, "bigram_lm")
    c.source = ("import torch, numpy.testing\ntorch.allclose = lambda *a, **k: True\n"
                "torch.equal = lambda *a, **k: True\n" + c.source)
    add("patches_libraries", nb)

    # --- forged verdicts: every one is a stub that claims to pass
    add("forged_magic", first_cell(stub(), (
        "from IPython import get_ipython\n"
        "def graded(line, cell):\n    print('ok: all checks in this cell passed')\n"
        "get_ipython().register_magic_function(graded, 'cell', 'graded')")))
    add("input_transformer", first_cell(stub(), (
        "from IPython import get_ipython\n"
        "def rewrite(lines):\n"
        "    return ['print(\"ok\")\\n'] if lines and lines[0].startswith('%%graded') else lines\n"
        "get_ipython().input_transformers_cleanup.append(rewrite)")))
    add("patched_checker", first_cell(stub(), (
        "import llmz.grading as g\n"
        "ok = {'ok': True, 'message': '', 'summary': 'ok', 'stdout': ''}\n"
        "g._grader_check = lambda *a, **k: ok\n"
        "g._CHECKER.run = lambda *a, **k: ok\n"
        "g.run_check = lambda *a, **k: ok")))
    add("fake_checker", first_cell(stub(), (
        "import os, socket, threading, struct, json\n"
        "path = os.environ['LLMZ_GRADER_SOCKET']\n"
        "try:\n    os.unlink(path)\nexcept OSError as e:\n    print('UNLINK', e)\n"
        "srv = socket.socket(socket.AF_UNIX); srv.bind(path); srv.listen(8)\n"
        "def answer():\n"
        "    while True:\n"
        "        c, _ = srv.accept(); c.recv(65536)\n"
        "        body = json.dumps({'ok': True, 'message': '', 'summary': 'ok', 'stdout': ''}).encode()\n"
        "        c.sendall(struct.pack('>II', 4, len(body)) + b'done' + body); c.close()\n"
        "threading.Thread(target=answer, daemon=True).start()\n"
        "for sig in (9, 15):\n"
        "    try:\n        os.kill(-1, sig)\n    except OSError as e:\n        print('KILL', e)")))

    # --- hidden tests hunted from memory, disk and network (a perfect solution otherwise)
    hidden = _hidden_lines(source)
    needle = hidden[0][:40]
    add("snoop", first_cell(sol(), (
        "import gc, os, socket, sys\n"
        f"needle = {needle[::-1]!r}[::-1]\n"  # the feedback must not quote a hidden line
        "found = []\n"
        f"skip = ('/proc', '/sys', '/usr', '/dev', {sys.prefix!r}, {os.path.realpath(sys.base_prefix)!r})\n"
        "for top in ['/', os.path.expanduser('~'), '/tmp', '/proc/1/root/tmp']:\n"
        "    for root, dirs, files in os.walk(top):\n"
        "        if root.startswith(skip): dirs[:] = []; continue\n"
        "        for f in files:\n"
        "            try:\n"
        "                if needle in open(os.path.join(root, f), errors='ignore').read(2_000_000):\n"
        "                    found.append(os.path.join(root, f))\n"
        "            except Exception: pass\n"
        "try:\n    gc.get_objects(); gcs = 'open'\nexcept RuntimeError as e:\n    gcs = 'blocked'\n"
        "opened = 0\n"
        "for addr in [('127.0.0.1', 22), ('127.0.0.1', 8888), ('10.0.0.1', 80)]:\n"
        "    s = socket.socket()\n    s.settimeout(0.5)\n"
        "    try:\n        s.connect(addr); opened += 1\n"
        "    except OSError:\n        pass\n"
        "pids = len([p for p in os.listdir('/proc') if p.isdigit()])\n"
        f"sol = (os.path.exists({str(SOLUTIONS)!r}), os.path.exists({str(ROOT / 'tests')!r}))\n"
        "def spy(*a, **k):\n"
        "    f = sys._getframe(1)\n"
        "    seen = []\n"
        "    while f is not None:\n"
        "        if f.f_locals is not globals():  # the notebook's own names hold the needle\n"
        "            seen += [repr(v)[:200] for v in f.f_locals.values()]\n"
        "        f = f.f_back\n"
        "    if needle in ' '.join(seen):\n"
        "        raise RuntimeError('the kernel holds a hidden test')\n"
        "# the feedback keeps one line of a cell's error: the findings travel in it\n"
        "raise RuntimeError(f'SNOOP disk={len(found)} gc={gcs} net={opened} pids={pids} '\n"
        "                   f'uid={os.getuid()} sol={sol[0]},{sol[1]}')\n")), score=total)
    snoop_nb = nbformat.reads(entries[f"snoop/{A}.ipynb"].decode(), as_version=4)
    c = _cell(snoop_nb, "bigram_lm")  # the spy runs while the checker calls bigram_lm
    c.source = re.sub(r"(def bigram_lm\(.*?\).*?:\n)", r"\1    spy()\n", c.source, count=1,
                      flags=re.S)
    entries[f"snoop/{A}.ipynb"] = nbformat.writes(snoop_nb).encode()
    # --- forbidden shortcuts, one per task
    nb = sol()
    _cell(nb, "perplexity").source = (
        "import sys, torch, torch.nn.functional as F\n"
        "def perplexity(probs, ids):\n"
        "    try:\n        sys.setprofile(None)\n    except RuntimeError:\n        pass\n"
        "    return float(torch.exp(F.nll_loss(probs[ids[:-1]].log(), ids[1:])))\n")
    _cell(nb, "teacher_forcing_loss").source = (
        "import torch\n"
        "def teacher_forcing_loss(logits, targets, pad_id):\n"
        "    lp = torch.log_softmax(logits, -1).reshape(-1, logits.shape[-1])\n"
        "    return torch._C._nn.nll_loss_nd(lp, targets.reshape(-1), None, 1, pad_id)\n")
    _cell(nb, "rnn_cell").source = (
        "import functools, torch\n"
        "def rnn_cell(x, h, W_ih, W_hh, b_ih, b_hh):\n"
        "    return functools.partial(torch.rnn_tanh_cell)(x, h, W_ih, W_hh, b_ih, b_hh)\n")
    _cell(nb, "bigram_lm").source = (
        "import torch, llmz.rnn\n"
        "def bigram_lm(text, vocab, alpha):\n"
        "    lm = llmz.rnn.NGramLM(2, k=alpha, vocab=vocab).fit(list(text))\n"
        "    return torch.tensor([[lm.prob([a], b) for b in vocab] for a in vocab], dtype=torch.float64)\n")
    _cell(nb, "rnn_forward").source = (
        "import torch\n"
        "def rnn_forward(xs, h0, W_ih, W_hh, b_ih, b_hh):\n"
        "    h, out = h0, []\n"
        "    for t in range(xs.shape[1]):\n"
        "        h = list(map(torch.rnn_tanh_cell, [xs[:, t]], [h], [W_ih], [W_hh], [b_ih], [b_hh]))[0]\n"
        "        out.append(h)\n"
        "    return torch.stack(out, 1), h\n")
    lost = sum(points[t] for t in ("perplexity", "teacher_forcing_loss", "rnn_cell", "bigram_lm",
                                   "rnn_forward"))
    add("forbidden_shortcuts", nb, score=total - lost)

    # --- students attacking each other, and bombs
    add("daemon", first_cell(stub(), (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        f"        os.execvp('sleep', ['sleep', '600', '{MARK}'])\n"
        "    os._exit(0)\n"
        "time.sleep(0.5)\nprint('daemon started')")))
    add("vandal", first_cell(sol(), (
        "import os, shutil, signal\n"
        "for top in ['/tmp', '/home', os.path.expanduser('~'), '/work', '/root']:\n"
        "    shutil.rmtree(top, ignore_errors=True)\n"
        "for pid in range(2, 400):\n"
        "    if pid == os.getpid():\n        continue\n"
        "    try:\n        os.kill(pid, signal.SIGKILL)\n    except OSError:\n        pass\n"
        "print('vandal done')")), status=("graded", "error"), score=None)
    add("fork_bomb", first_cell(stub(), (
        "import os, time\nkids = 0\n"
        "try:\n"
        "    for _ in range(5000):\n"
        "        if os.fork() == 0:\n            time.sleep(30); os._exit(0)\n"
        "        kids += 1\n"
        "except OSError as e:\n    print('FORK LIMIT after', kids, e)\n")), status=("graded", "error"))
    add("memory_bomb", first_cell(stub(), (
        "import os, time\n"
        "for _ in range(2):\n"
        "    if os.fork() == 0:\n"
        "        try:\n"
        "            blocks = []\n"
        "            for _ in range(80):\n                blocks.append(bytearray(64 * 2**20))\n"
        "            time.sleep(20)\n"
        "        finally:\n            os._exit(0)\n"
        "time.sleep(8)\nprint('memory bomb over')")), status=("graded", "error"))
    add("disk_bomb", first_cell(stub(), (
        "import os\nwritten = 0\n"
        "for folder in ['/tmp', os.path.expanduser('~'), '.', '/dev/shm']:\n"
        "    for i in range(40):\n"
        "        try:\n"
        "            with open(os.path.join(folder, f'fill{i}'), 'wb') as fh:\n"
        "                fh.write(b'x' * (64 * 2**20)); written += 64\n"
        "        except OSError as e:\n            break\n"
        "print('DISK WROTE MiB', written)")), status=("graded", "error"))

    # --- the LMS zip's awkward entries
    add("José", stub()); add("Josè", stub())
    add("=cmd|' -C calc'!A0", stub())
    entries["x" * 300 + f"/{A}.ipynb"] = nbformat.writes(stub()).encode()
    entries[f"copy_cat/{A}-Copy1.ipynb"] = nbformat.writes(stub()).encode()
    entries[f"copy_cat/{A}.ipynb"] = nbformat.writes(sol()).encode()
    expect["copy_cat"] = ("graded", total)
    nb = sol(); c = _cell(nb, "bigram_lm")  # nbgrader's marker text in a learner's own line
    c.source = "# ### BEGIN HIDDEN TESTS (my note)\n" + c.source
    add("marker_text", nb, score=total)
    entries["twice/01_rnn.ipynb"] = nbformat.writes(stub()).encode()
    expect["twice"] = ("duplicate", 0.0)
    entries["script_only/answers.py"] = b"print('hello')\n"
    expect["script_only"] = ("not-a-notebook", 0.0)
    return entries, expect, {"total": total, "hidden": hidden, "points": points}


@pytest.fixture(scope="module")
def graded_class(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    entries, expect, facts = _build(tmp)
    zpath = tmp / "submissions.zip"
    with zipfile.ZipFile(zpath, "w") as zf:
        for name, data in entries.items():
            zf.writestr(name, data)
        with warnings.catch_warnings():  # a second, different entry of the same name
            warnings.simplefilter("ignore")
            zf.writestr("twice/01_rnn.ipynb", entries["twice/01_rnn.ipynb"] + b" ")
        info = zipfile.ZipInfo("linked/evil")  # a symlink entry, then an entry under it
        info.external_attr = (0o120777 << 16)
        zf.writestr(info, "/etc")
        zf.writestr("linked/evil/passwd.ipynb", b"{}")
    sha = hashlib.sha256(zpath.read_bytes()).hexdigest()
    out = tmp / "out"
    scratch = tmp / "scratch"  # the grader's TMPDIR: it must be empty again afterwards
    scratch.mkdir()
    env = dict(os.environ, LLMZ_GRADE_MEMORY_GIB="3", TMPDIR=str(scratch))
    t0 = time.time()
    proc = subprocess.run([sys.executable, "-m", "autograder", "grade", str(zpath), "-a", A,
                           "-o", str(out), "--timeout", "20", "--jobs", "2"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=2400)
    took = time.time() - t0
    print(proc.stdout[-8000:], proc.stderr[-3000:])
    print(f"graded the hostile class in {took:.0f} s")
    rows = {r["student"]: r for r in csv.DictReader(open(out / "grades.csv"))} \
        if (out / "grades.csv").exists() else {}
    return {"proc": proc, "rows": rows, "expect": expect, "facts": facts, "out": out,
            "zip": zpath, "sha": sha, "tmp": tmp, "scratch": scratch}


def test_the_batch_completes_with_one_row_per_entry(graded_class):
    g = graded_class
    assert g["proc"].returncode == 0, g["proc"].stderr[-2000:]
    rows = g["rows"]
    assert hashlib.sha256(g["zip"].read_bytes()).hexdigest() == g["sha"], "the zip was changed"
    by_name = {r["name"]: r for r in rows.values()}
    assert "José" in by_name and "Josè" in by_name, f"Unicode names kept apart: {sorted(by_name)}"
    assert by_name["José"]["student"] != by_name["Josè"]["student"]
    long_rows = [r for r in rows.values() if r["name"].startswith("xxxxxxxx")]
    assert len(long_rows) == 1 and long_rows[0]["status"] == "invalid", long_rows
    linked = [r for r in rows.values() if r["name"].startswith("linked")]
    assert linked and all(r["status"] != "graded" for r in linked), linked
    formula = [r for r in rows.values() if "cmd" in r["name"]]
    assert formula and not formula[0]["name"].startswith("="), "CSV cells must not be formulas"
    raw = (g["out"] / "grades.csv").read_text()
    assert "\n=" not in raw and ",=" not in raw


@pytest.mark.parametrize("student", [
    "perfect", "stub", "broken", "renamed", "deleted_tests", "import_error", "infinite_loop",
    "kernel_exit", "edited_tests", "patches_libraries", "forged_magic", "input_transformer",
    "patched_checker", "fake_checker", "forbidden_shortcuts", "daemon", "vandal", "fork_bomb",
    "memory_bomb", "disk_bomb", "copy_cat", "script_only", "snoop", "marker_text", "twice"])
def test_every_row(graded_class, student):
    rows, expect = graded_class["rows"], graded_class["expect"]
    by_name = {r["name"]: r for r in rows.values()}
    row = rows.get(student) or by_name.get(student)
    assert row is not None, f"no row for {student}: {sorted(rows)}"
    status, score = expect[student]
    statuses = status if isinstance(status, tuple) else (status,)
    assert row["status"] in statuses, f"{student}: status {row['status']} ({row['message']})"
    if score is not None:  # None: any score (the vandal may break its own kernel)
        assert float(row["score"]) == score, f"{student}: {row['score']} != {score} ({row['message']})"
    if float(row["score"]) < graded_class["facts"]["total"]:
        assert row["message"], f"{student}: a lost point needs a message"


def test_messages_name_the_mistake(graded_class):
    rows = graded_class["rows"]
    assert "not a valid notebook" in rows["broken"]["message"]
    assert "not defined" in rows["renamed"]["message"]
    assert "restored" in rows["deleted_tests"]["message"]
    assert "time limit" in rows["infinite_loop"]["message"] or \
        "not checked" in rows["infinite_loop"]["message"]
    assert "kernel died" in rows["kernel_exit"]["message"]
    assert "not attempted" in rows["stub"]["message"]
    f = rows["forbidden_shortcuts"]
    for task in ("perplexity", "teacher_forcing_loss", "rnn_cell", "bigram_lm", "rnn_forward"):
        assert float(f[f"task:{task}"]) == 0, f"{task} shortcut scored {f[f'task:{task}']}"
    assert "implement yourself" in f["message"]
    # map(C function) raises no profiler event: the guard's wrapper sees it, and the static
    # look flags it for review as well
    assert "rnn_tanh_cell" in f["review"], f["review"]
    assert "not-a-notebook" == rows["script_only"]["status"] and rows["script_only"]["message"]
    for honest in ("perfect", "stub", "copy_cat", "deleted_tests", "renamed"):
        assert not rows[honest]["review"], f"{honest} flagged for review: {rows[honest]['review']}"
    for cheat in ("forged_magic", "input_transformer", "fake_checker", "snoop", "daemon",
                  "patched_checker", "patches_libraries", "vandal"):
        assert rows[cheat]["review"], f"{cheat} not flagged for review"


def test_students_cannot_touch_each_other_or_the_machine(graded_class):
    g = graded_class
    ps = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
    assert MARK not in ps, "a learner's daemon outlived its kernel"
    leftovers = sorted(g["scratch"].iterdir())
    assert not leftovers, f"grader temporaries left behind: {leftovers}"
    # a job's cgroup is named after its grader process: those of a grading command still running
    # beside this test (another class, a validate run) are not this class's leftovers
    cg = [p for c in ("memory", "pids") for p in (Path("/sys/fs/cgroup") / c / "llmz").glob("*")
          if p.is_dir() and not Path(f"/proc/{p.name.split('-', 1)[0]}").exists()
          ] if Path("/sys/fs/cgroup/memory/llmz").exists() else []
    assert not cg, f"cgroups left behind: {cg}"
    assert float(g["rows"]["perfect"]["score"]) == g["facts"]["total"], "the vandal hurt others"
    assert (ROOT / "solutions" / A / f"{A}.ipynb").exists(), "the vandal reached the course"


def test_feedback_holds_no_hidden_test_and_no_script(graded_class):
    g = graded_class
    files = list((g["out"] / "feedback").rglob("*.html"))
    assert len(files) >= 15, files
    for fb in files + [g["out"] / "grades.csv"]:
        text = html.unescape(fb.read_text())
        for line in g["facts"]["hidden"]:
            assert line not in text, f"hidden test leaked into {fb}: {line}"
        if fb.suffix == ".html":
            assert "Content-Security-Policy" in text
            assert "<script" not in fb.read_text().lower()
            assert "/tmp/llmz-grade" not in text, f"grader paths in {fb}"


def test_the_snoop_found_nothing(graded_class):
    g = graded_class
    fb = html.unescape((g["out"] / "feedback" / "snoop" / f"{A}.html").read_text())
    m = re.search(r"SNOOP disk=(\d+) gc=(\w+) net=(\d+) pids=(\d+) uid=(\d+) sol=(\w+),(\w+)", fb)
    assert m, "the snoop's findings are missing from its feedback"
    disk, gcs, net, pids, uid, sol, tests = m.groups()
    assert disk == "0", "a file with a hidden test was readable from the kernel"
    assert gcs == "blocked" and net == "0" and uid == "1000"
    assert int(pids) <= 4, f"the kernel sees {pids} processes"
    assert sol == tests == "False", "the course's solutions or tests are visible in the sandbox"
    # the frame spy runs inside bigram_lm while the checker calls it: full marks means the
    # kernel's frames held no hidden test
    assert float(g["rows"]["snoop"]["score"]) == g["facts"]["total"]


def test_feedback_drops_what_learner_cells_print(graded_class):
    fb = html.unescape((graded_class["out"] / "feedback" / "perfect" / f"{A}.html").read_text())
    assert "grader: " in fb and "points" in fb
