"""The course's instructor commands, one file, no framework (run ``python -m autograder -h``).

    release [--check]        regenerate exercises/ from solutions/ (or fail if they drifted)
    grade SUBMISSIONS -a A   grade a folder or LMS zip: grades CSV + per-student feedback HTML
                             (one Dask job per student; a stopped batch resumes)
    validate [-a A]          prove the tests test: solution full, stub zero, wrong ones lose,
                             correct alternatives full
    publish OUT              the learner face (book, exercises, llmz) without solutions
    bench                    time every chapter notebook and every graded cell on this machine
    execute [-j N]           run the chapters N at a time into the book's jupyter cache
    bench-grading [-n 50]    grading speed: serial, --jobs 2, Dask local cluster
    setup-cells              write the canonical first cell into every notebook

Grading never touches the repository or the submissions: each student is graded by real
``nbgrader autograde`` in a private temporary course directory whose test cells are references
only, inside the sandbox of ``autograder/sandbox_kernel.py``; the verdicts come from the grader's
checker service (``autograder/checker_service.py``), never from the kernel's output.
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS, EXERCISES, WRONG = ROOT / "solutions", ROOT / "exercises", ROOT / "autograder" / "wrong"
CONFIG = ROOT / "autograder" / "nbgrader_config.py"


def assignments() -> list[str]:
    return sorted(p.name for p in SOLUTIONS.iterdir() if (p / f"{p.name}.ipynb").exists())


def _nbgrader(args: list[str], cwd: Path, env: dict | None = None, timeout: int = 1800):
    """Run one nbgrader command in a course directory; returns (returncode, log). The process
    is forked from the grader's warm forkserver (``autograder/warm.py``), in its own session
    and with its memory capped."""
    from . import warm

    env = dict(env or os.environ)
    # nbgrader runs `alembic` from PATH: make the interpreter's own bin/ come first
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    fd, log_path = tempfile.mkstemp(prefix="llmz-nbgrader-", suffix=".log")
    os.close(fd)
    try:
        code = warm.run("nbgrader", args, cwd, env, Path(log_path), timeout=timeout)
        log = Path(log_path).read_text(errors="replace")
    finally:
        os.unlink(log_path)
    if code is None:  # a kernel that ignores interrupts: its whole group was ended
        return -9, log + f"\nnbgrader {args[0]} timed out after {timeout} s"
    return code, log


def _new_course(tmp: Path, assignment: str) -> Path:
    course = tmp / "course"
    (course / "source").mkdir(parents=True)
    shutil.copytree(SOLUTIONS / assignment, course / "source" / assignment,
                    ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    shutil.copy(CONFIG, course / "nbgrader_config.py")
    return course


# ---------------------------------------------------------------------------------- release

def _normalise(nb) -> str:
    """Released notebooks are stored without outputs and with stable formatting."""
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    return nbformat.writes(nb) + "\n"


def release(check: bool = False) -> int:
    """Regenerate exercises/ from solutions/ with nbgrader generate_assignment."""
    drift = []
    for a in assignments():
        with tempfile.TemporaryDirectory() as tmp:
            course = _new_course(Path(tmp), a)
            code, log = _nbgrader(["generate_assignment", a, "--force"], course)
            if code != 0:
                print(log)
                raise SystemExit(f"release: nbgrader generate_assignment failed for {a}")
            produced = course / "release" / a
            for path in sorted(produced.rglob("*")):
                if path.is_dir():
                    continue
                rel = path.relative_to(produced)
                target = EXERCISES / a / rel
                text = (_normalise(nbformat.read(path, as_version=4)) if path.suffix == ".ipynb"
                        else path.read_text())
                if target.exists() and target.read_text() == text:
                    continue
                drift.append(str(target.relative_to(ROOT)))
                if not check:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_text(text)
    stale = [p for p in EXERCISES.glob("*") if p.is_dir() and p.name not in assignments()]
    drift += [str(p.relative_to(ROOT)) for p in stale]
    if check:
        if drift:
            print("exercises/ drifted from solutions/: " + ", ".join(drift))
            print("run `make release` (never edit exercises/ by hand)")
            return 1
        print(f"release check: exercises/ match solutions/ ({len(assignments())} assignments)")
        return 0
    for p in stale:
        shutil.rmtree(p)
    print("released: " + (", ".join(drift) if drift else "nothing changed"))
    return 0


# ---------------------------------------------------------------------------------- grading

@dataclass
class Result:
    student: str
    assignment: str
    score: float = 0.0
    max_score: float = 0.0
    status: str = "graded"
    message: str = ""
    tasks: dict = field(default_factory=dict)      # task -> (score, max)
    cells: dict = field(default_factory=dict)      # test cell id -> (score, max, message)
    feedback: Path | None = None
    review: list = field(default_factory=list)     # reasons an instructor should look
    seconds: dict = field(default_factory=dict)    # test cell id -> time its check took
    isolation: str = ""


def _graded_cells(nb) -> tuple[list[str], dict]:
    """Task (solution cell) names in order, and test cell id -> its task."""
    tasks, owner = [], {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and not meta.get("grade") and cell.cell_type == "code":
            tasks.append(meta["grade_id"])
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution"):
            gid = meta["grade_id"]
            match = [t for t in tasks if gid.startswith(f"test_{t}")]
            owner[gid] = max(match, key=len) if match else gid
    return tasks, owner


REF_LINE = "%%graded --ref {gid}"
REF_NOTE = ("# The grader runs this cell's checks (visible and hidden) in its own process,\n"
            "# outside your notebook; your functions are called from there.")


HIDDEN = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")


def without_hidden(source: str) -> str:
    """``source`` less its hidden-test regions, markers included (what nbgrader's release
    keeps of any cell)."""
    out, inside = [], False
    for line in source.splitlines(keepends=True):
        s = line.strip()
        if s == HIDDEN[0]:
            inside = True
        elif s == HIDDEN[1]:
            inside = False
        elif not inside:
            out.append(line)
    return "".join(out).rstrip("\n")


def reference_source(source_nb):
    """The source as the grading kernel receives it: every test cell is a reference to its
    grade_id, never its body (the body stays with the checker service), and a
    ``%%checker_helpers`` cell keeps only its visible part (its hidden helpers, shared by hidden
    tests, reach the checker from the source and never the learner's kernel)."""
    import copy

    from llmz.grading import HELPERS_MAGIC

    nb = copy.deepcopy(source_nb)
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
            cell.source = REF_LINE.format(gid=meta["grade_id"]) + "\n" + REF_NOTE
        elif cell.cell_type == "code" and cell.source.startswith(HELPERS_MAGIC):
            cell.source = without_hidden(cell.source)
    return nb


def _source_nb(assignment: str, source: Path | None = None) -> Path:
    """The exercise source with hidden tests: solutions/ or an instructor's private folder."""
    path = (source or SOLUTIONS) / assignment / f"{assignment}.ipynb"
    if not path.exists():
        raise SystemExit(f"grade: no exercise source {path}")
    return path


def _forbid_union(source_nb) -> list[str]:
    """Every function any test cell of the assignment forbids, with aliases and implied
    helpers: the sandboxed kernel's guard watches all of them from its first instruction."""
    from llmz.grading import _parse_line, expand_forbid

    out = []
    for cell in source_nb.cells:
        first = cell.source.partition("\n")[0]
        if cell.cell_type == "code" and first.startswith("%%graded"):
            names, forbid, _ = _parse_line(first[len("%%graded"):])
            out += [f for f in expand_forbid(forbid, names) if f not in out]
    return out


def forbid_plan(source_nb) -> dict:
    """:func:`llmz.grading.forbid_plan` of the assignment's forbid list, computed in a fresh
    fork of the grader's warm helper (so the grader's own process imports none of the
    libraries), and the import statements of its locked cells (``preload``), which the graded
    kernel runs before its guard (an import under the guard's profiler costs two to three times
    as long)."""
    from . import warm

    forbid = _forbid_union(source_nb)

    fd, log = tempfile.mkstemp(prefix="llmz-plan-", suffix=".json")
    os.close(fd)
    try:
        code = warm.run("plan", [json.dumps(forbid)], ROOT, dict(os.environ), Path(log),
                        timeout=600)
        text = Path(log).read_text(errors="replace")
    finally:
        os.unlink(log)
    if code != 0:
        raise RuntimeError(f"the forbid plan failed:\n{text[-2000:]}")
    plan = json.loads(text.strip().splitlines()[-1])
    plan["preload"] = _locked_imports(source_nb)
    return plan


def _locked_imports(source_nb) -> list[str]:
    """The top-level import statements of the cells a learner does not write (setup, imports,
    helpers), in order: the grader's own text, never a submission's."""
    out = []
    for cell in source_nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or meta.get("solution") or meta.get("grade") or \
                cell.source.lstrip().startswith("%"):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import) or (isinstance(node, ast.ImportFrom) and not node.level):
                stmt = ast.unparse(node)
                if stmt not in out:
                    out.append(stmt)
    return out


HF_STACK = {"transformers", "peft", "trl", "sentence_transformers", "bitsandbytes"}


def _imported(tree, package: str = "") -> set[str]:
    """Every module an AST imports, anywhere in it (relative imports resolved in ``package``);
    for ``from m import a`` both ``m`` and ``m.a`` (which may be a submodule)."""
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([p for p in parts if p] + ([base] if base else []))
            out.add(base)
            out.update(f"{base}.{a.name}" for a in node.names)
    return {m for m in out if m}


def needs_hf(source_nb) -> bool:
    """Whether the assignment's own cells (the instructor's source, any cell) import the
    Hugging Face stack, directly or through the ``llmz`` modules they import: only then does a
    grade command's forkserver preload it (``warm.preload_hf``). Speed only, never a verdict."""
    todo, seen = set(), set()
    for cell in source_nb.cells:
        if cell.cell_type != "code":
            continue
        text = "\n".join("" if l.lstrip().startswith(("%", "!")) else l
                         for l in cell.source.splitlines())
        try:
            todo |= _imported(ast.parse(text))
        except SyntaxError:
            return True  # cannot tell: preload everything, as before
    while todo:
        mod = todo.pop()
        if mod in seen:
            continue
        seen.add(mod)
        if mod.split(".")[0] in HF_STACK:
            return True
        if mod.split(".")[0] != "llmz":
            continue
        path = ROOT.joinpath(*mod.split("."))
        for f, pkg in ((path / "__init__.py", mod), (path.with_suffix(".py"), mod.rpartition(".")[0])):
            if f.exists():
                todo |= _imported(ast.parse(f.read_text()), pkg) - seen
    return False


PLAN = "forbid_plan.json"  # in a prepared course: the plan of its assignment's forbid list


def _pack(plan: dict) -> dict:
    """The plan as the kernel's environment carries it: compressed, because a pattern's places
    (every model's copy of a function) run to a few hundred kilobytes of JSON, over the 128 KiB
    the kernel allows one environment string (``llmz.guard.main`` unpacks it)."""
    import base64
    import zlib

    return {"packed": base64.b64encode(zlib.compress(json.dumps(plan).encode(), 9)).decode()}


def _sandbox(tmp: Path, uid: int, job: str, socket_path: Path, forbid: list[str],
             isolated: bool, rw: list[Path], cwd: Path, plan: dict | None = None) -> dict:
    """A kernelspec for the sandboxed grading kernel, and the environment that finds it."""
    spec = tmp / "jupyter" / "kernels" / "llmz-grader"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "autograder.sandbox_kernel", "-f", "{connection_file}"],
        "display_name": "llmz grader (sandboxed)", "language": "python",
        "interrupt_mode": "message"}))
    kernel_env = {"LLMZ_PROFILE": "small", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1",
                  "HF_DATASETS_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
                  "PYDEVD_DISABLE_FILE_VALIDATION": "1", "PYTHONHASHSEED": "0",
                  "OMP_WAIT_POLICY": "PASSIVE", "OMP_NUM_THREADS": os.environ.get(
                      "LLMZ_KERNEL_THREADS", str(min(2, os.cpu_count() or 1)))}
    settings = {
        "isolated": isolated, "bwrap": shutil.which("bwrap") or "", "uid": uid, "job": job,
        "python": sys.executable,
        "read_only": [os.path.realpath(sys.prefix), str(ROOT / "llmz"),
                      os.path.realpath(sys.base_prefix)],
        "read_write": [str(p) for p in rw], "ipc": str(socket_path.parent),
        "socket": str(socket_path), "cwd": str(cwd), "forbid": forbid, "plan": _pack(plan or {}),
        "env": kernel_env,
        "memory_bytes": int(float(os.environ.get("LLMZ_GRADE_MEMORY_GIB", "6")) * 2**30),
        "pids": 512, "cpu_seconds": 1800, "file_bytes": 512 * 2**20, "tmp_bytes": 512 * 2**20}
    env = dict(os.environ)
    env.update({"JUPYTER_PATH": str(tmp / "jupyter"), "PYTHONPATH": str(ROOT),
                "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"), "LLMZ_SANDBOX": json.dumps(settings),
                **kernel_env})
    return env


def isolation_or_exit(allow_unisolated: bool) -> dict:
    from .sandbox_kernel import isolation

    iso = isolation()
    if not iso["full"] and not allow_unisolated:
        raise SystemExit("grade: this machine cannot isolate learner code "
                         f"({iso['summary']}); grading for credit needs root and bubblewrap "
                         "(`apt-get install bubblewrap`). Pass --allow-unisolated to grade "
                         "anyway (practice only: the CSV marks every row).")
    return iso


def _restore_deleted(nb, release) -> list[str]:
    """Put back test cells a learner deleted (as references), each after the graded cell that
    precedes it in the release."""
    have = {c.metadata.get("nbgrader", {}).get("grade_id") for c in nb.cells}
    restored, previous = [], None
    for cell in release.cells:
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id")
        if gid and meta.get("grade") and gid not in have:
            where = next((i for i, c in enumerate(nb.cells)
                          if c.metadata.get("nbgrader", {}).get("grade_id") == previous), None)
            nb.cells.insert(len(nb.cells) if where is None else where + 1, cell)
            have.add(gid)
            restored.append(gid)
        if gid:
            previous = gid
    return restored


def prepare(assignment: str, where: Path, source: Path | None = None) -> Path:
    """A course directory with the assignment's *reference* source and gradebook, ready to
    autograde (made once per batch, copied for each student). It holds no hidden test."""
    where.mkdir(parents=True)
    course = where / "course"
    (course / "source" / assignment).mkdir(parents=True)
    ref = reference_source(nbformat.read(_source_nb(assignment, source), as_version=4))
    nbformat.write(ref, course / "source" / assignment / f"{assignment}.ipynb")
    shutil.copy(CONFIG, course / "nbgrader_config.py")
    code, log = _nbgrader(["generate_assignment", assignment, "--force"], course)
    if code != 0:
        raise RuntimeError(f"nbgrader generate_assignment failed:\n{log}")
    source_nb = nbformat.read(_source_nb(assignment, source), as_version=4)
    (course / PLAN).write_text(json.dumps(forbid_plan(source_nb)))
    return course


_UIDS = iter(range(200000 + (os.getpid() % 1000) * 1000, 10**9))
_UID_LOCK = __import__("threading").Lock()


def _next_uid() -> int:
    with _UID_LOCK:
        return next(_UIDS)


def _learner_cells(nb, tasks: list[str], release) -> dict[str, str]:
    """The code a learner wrote: answer cells by task, and every other code cell that is not
    a cell of the release as released (cells they added or changed), by position. Locked
    cells are restored from the source anyway."""
    released = {c.source.strip() for c in release.cells if c.cell_type == "code"}
    out = {}
    for i, c in enumerate(nb.cells):
        meta = c.metadata.get("nbgrader", {})
        if c.cell_type != "code" or meta.get("locked") or c.source.strip() in released:
            continue
        out[meta["grade_id"] if meta.get("grade_id") in tasks else f"cell {i + 1}"] = c.source
    return out


def grade_one(assignment: str, student: str, submission: Path, out: Path | None = None,
              template: Path | None = None, timeout: int | None = None,
              source: Path | None = None, allow_unisolated: bool = False) -> Result:
    """Grade one submission in a private course directory; never writes to ``submission``.
    Scores come from the checker service's records only."""

    from . import static_review, warm
    from .sandbox_kernel import make_cgroups, remove_cgroups

    res = Result(student, assignment)
    source_path = _source_nb(assignment, source)
    source_nb = nbformat.read(source_path, as_version=4)
    tasks, owner = _graded_cells(source_nb)
    points = {c.metadata["nbgrader"]["grade_id"]: float(c.metadata["nbgrader"]["points"])
              for c in source_nb.cells if c.metadata.get("nbgrader", {}).get("grade")}
    res.max_score = sum(points.values())
    res.tasks = {t: [0.0, 0.0] for t in tasks}
    for gid, p in points.items():
        res.tasks.setdefault(owner[gid], [0.0, 0.0])[1] += p
    from .submissions import read_notebook

    nb, problem = read_notebook(submission)
    if problem:
        res.status, res.message = "invalid", problem
        return res
    release = reference_source(nbformat.read(EXERCISES / assignment / f"{assignment}.ipynb",
                                             as_version=4))
    restored = _restore_deleted(nb, release)
    forbid = _forbid_union(source_nb)
    res.review = static_review.review(_learner_cells(nb, tasks, release), forbid)
    iso = isolation_or_exit(allow_unisolated)
    res.isolation = iso["summary"] if iso["full"] else "UNISOLATED (practice only)"

    with tempfile.TemporaryDirectory(prefix="llmz-grade-") as tmpdir:
        tmp = Path(tmpdir)
        if template is None:
            template = prepare(assignment, tmp / "template", source)
        course = tmp / "course"
        shutil.copytree(template, course)
        uid, job = (_next_uid(), f"{os.getpid()}-{tmp.name}") if iso["full"] else \
            (os.geteuid(), "")
        ipc, records = tmp / "ipc", tmp / "records"
        ipc.mkdir(mode=0o700)
        records.mkdir(mode=0o700)
        capped = iso["full"] and subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=16m,mode=0700", "tmpfs", str(ipc)],
            capture_output=True).returncode == 0
        build = course / "autograded" / student / assignment
        build.mkdir(parents=True)
        if iso["full"]:
            os.chown(ipc, uid, uid)
        sock = ipc / "c.sock"
        nonce = os.urandom(16).hex()
        service = warm.start("checker", ["--socket", str(sock), "--source", str(source_path),
                                         "--records", str(records), "--nonce", nonce,
                                         "--timeout", str((timeout or 60) + 30)],
                             tmp, {**os.environ, "OMP_NUM_THREADS": "1",
                                   "OMP_WAIT_POLICY": "PASSIVE"})
        made = make_cgroups(job, int(float(os.environ.get("LLMZ_GRADE_MEMORY_GIB", "6")) * 2**30),
                            512) if iso["full"] and iso["cgroups"] else []
        try:
            env = _sandbox(tmp, uid, job, sock, forbid, iso["full"], [ipc], build,
                           json.loads((course / PLAN).read_text()))
            target = course / "submitted" / student / assignment / f"{assignment}.ipynb"
            target.parent.mkdir(parents=True)
            nbformat.write(nb, target)
            extra = [f"--Execute.timeout={timeout}"] if timeout else []
            code, log = _nbgrader(["autograde", assignment, "--student", student, "--force",
                                   "--Autograde.create_student=True",
                                   "--KernelManager.transport=ipc",
                                   f"--KernelManager.ip={ipc / 'k'}", *extra], course, env)
        finally:
            warm.stop(service)
            if made:
                remove_cgroups(job)
            if capped:
                subprocess.run(["umount", "-l", str(ipc)], capture_output=True)
        graded_nb = build / f"{assignment}.ipynb"
        if os.environ.get("LLMZ_GRADE_LOG"):
            Path(os.environ["LLMZ_GRADE_LOG"]).write_text(log)
        if code != 0 or not graded_nb.exists():
            res.status = "error"
            res.message = _autograde_failure(log)
            return res
        verdicts = {}
        for gid in points:
            rec = records / f"{gid}.json"
            try:
                r = json.loads(rec.read_text())
            except (OSError, ValueError):
                continue
            if r.get("nonce") == nonce and r.get("ref") == gid:
                verdicts[gid] = r
        done = nbformat.read(graded_nb, as_version=4)
        for gid, p in points.items():
            r = verdicts.get(gid)
            score = p if r and r["ok"] else 0.0
            msg = "" if r and r["ok"] else (r["message"] if r else "not checked: the cell did "
                                             "not run to its check (an earlier error, a "
                                             "time-out, or a replaced %%graded magic)")
            res.cells[gid] = [score, p, msg]
            res.seconds[gid] = (r or {}).get("seconds", 0.0)
            res.tasks[owner[gid]][0] += score
            res.score += score
            for t in (r or {}).get("tamper", []):
                if t not in res.review:
                    res.review.append(f"{gid}: {t}")
        _store_scores(course, assignment, student, res)
        failed = [f"{gid}: {c[2].splitlines()[0] if c[2] else 'failed'}"
                  for gid, c in res.cells.items() if c[0] < c[1]]
        if restored:
            failed.insert(0, f"deleted test cells were restored and graded: {', '.join(restored)}")
        res.message = clean_text("; ".join(failed)[:2000])
        res.review = [clean_text(r)[:300] for r in res.review]
        if out is not None:
            _feedback(course, assignment, student, done, graded_nb, res, out, env)
    return res


def clean_text(text: str) -> str:
    """Learner-controlled text for a CSV, a terminal or a page: no control or bidi characters
    (an escape sequence or U+202E must not reach the instructor's screen)."""
    import unicodedata

    return "".join(ch if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Co",
                                                                         "Cs") else "\ufffd"
                   for ch in str(text))


def _store_scores(course: Path, assignment: str, student: str, res: Result) -> None:
    """The gradebook (and so the feedback) shows the checker service's scores, whatever the
    kernel's outputs claimed."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", "llmz") as gb:
        sub = gb.find_submission_notebook(assignment, assignment, student)
        for grade in sub.grades:
            if grade.cell.name in res.cells:
                grade.auto_score = res.cells[grade.cell.name][0]
                grade.manual_score = None
        gb.db.commit()


def _feedback(course, assignment, student, done, graded_nb, res, out, env) -> None:
    """Feedback HTML: the learner's notebook with the visible tests shown in place of the
    references, each check's verdict, no hidden test, no traceback paths, no script."""
    from . import report

    release = nbformat.read(EXERCISES / assignment / f"{assignment}.ipynb", as_version=4)
    visible = {c.metadata["nbgrader"]["grade_id"]: c.source for c in release.cells
               if c.metadata.get("nbgrader", {}).get("grade")
               and not c.metadata["nbgrader"].get("solution")}
    for cell in done.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.cell_type == "code" and gid not in visible:
            # what the learner's cells printed stays out of the feedback: it could carry the
            # hidden tests' inputs out (a function that records its arguments); errors stay,
            # in one short line
            errs = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            cell.outputs = [nbformat.v4.new_output(
                "error", ename=e.get("ename", "Error"), evalue=clean_text(e.get("evalue", ""))[:200],
                traceback=[]) for e in errs[:1]]
        if gid in visible and gid in res.cells:
            cell.source = visible[gid]
            score, pts, msg = res.cells[gid]
            text = (f"grader: {score:g}/{pts:g} points" +
                    ("" if score == pts else f"\n{msg}"))
            cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=text + "\n")]
    report.sanitize_notebook_outputs(done, test_ids=set(visible))
    nbformat.write(done, graded_nb)
    code, log = _nbgrader(["generate_feedback", assignment, "--student", student, "--force"],
                          course, env)
    fb = course / "feedback" / student / assignment / f"{assignment}.html"
    if fb.exists():
        dest = out / "feedback" / student / f"{assignment}.html"
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(report.sanitize_feedback_html(fb.read_text(errors="replace")))
        res.feedback = dest


def crash_result(student: str, assignment: str, exc: BaseException) -> "Result":
    """The row of a student whose grading failed in the grader itself (never recorded)."""
    return Result(student, assignment, status="error",
                  message=f"grading failed: {type(exc).__name__}: {exc}"[:500])


def _autograde_failure(log: str) -> str:
    if "DeadKernelError" in log or "Kernel died" in log or "kernel died" in log.lower():
        return ("the notebook's kernel died while it ran (the code exits the interpreter, "
                "crashes it or uses too much memory), so no cell could be graded")
    if "CellTimeoutError" in log or "timed out" in log:
        return ("a cell ran past the time limit and the kernel stopped responding to the "
                "interrupt (runaway processes or threads?), so grading stopped there")
    lines = [l for l in log.splitlines() if "ERROR" in l or "Error" in l]
    return "autograding failed: " + (lines[-1][:300] if lines else "see the grading log")


def grade(submissions: Path, assignment: str, out: Path, timeout: int | None = None,
          jobs: int = 1, source: Path | None = None, allow_unisolated: bool = False,
          regrade: bool = False, engine: str = "dask", scheduler: str | None = None) -> int:
    """Grade a class: grades.csv and feedback/<student>/<assignment>.html under ``out``.
    ``jobs`` students are graded at once (each in its own private course and sandbox). A batch
    that was stopped resumes where it stopped when run again with the same ``out`` (see
    ``autograder/progress.py``); ``regrade`` grades everyone again. ``engine`` "dask" runs each
    student as a job on a Dask cluster (a local one of ``jobs`` workers, or ``scheduler``; see
    ``autograder/engine.py``); "threads" grades in this process's threads."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    from . import progress, report
    from .submissions import collect

    if assignment not in assignments():
        raise SystemExit(f"grade: unknown assignment {assignment!r}; "
                         f"known: {', '.join(assignments())}")
    iso = isolation_or_exit(allow_unisolated)
    print(f"isolation: {iso['summary']}" + ("" if iso["full"] else
                                             " -- UNISOLATED, practice only"))
    if iso["full"]:
        from .sandbox_kernel import sweep_stale

        stale = sweep_stale()
        if stale:
            print(f"removed what {len(stale)} student run(s) of a killed grading command left "
                  "behind (cgroups, mounts)")
    out.mkdir(parents=True, exist_ok=True)
    t_start = time.time()
    ledger = progress.Ledger(out, progress.grading_key(_source_nb(assignment, source), assignment,
                                                       timeout, iso["full"]), regrade)
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="llmz-collect-") as tmp:
        subs = collect(submissions, assignment, Path(tmp), known_assignments=assignments())
        hashes = {s.student: progress.file_hash(s.path) if s.status == "ok" and s.path else
                  f"{s.status}:{s.message}" for s in subs}
        kept = {s.student: ledger.kept(s.student, hashes[s.student]) for s in subs}
        kept = {k: v for k, v in kept.items() if v is not None}
        print(f"grading {len(subs)} submission(s) of {assignment}" +
              (f" ({len(kept)} already graded in {out}, kept; --regrade grades them again)"
               if kept else ""))
        bar = progress.Progress(len(subs))
        lock = threading.Lock()

        def finish(sub, res, crashed=False, took=None):
            """Record (unless the grader itself crashed) and print one finished student."""
            res.display = sub.display
            if sub.student not in kept:
                if sub.status == "ok" and sub.message:  # notes on which file was picked
                    res.message = (sub.message + "; " + res.message).strip("; ")
                seconds[sub.student] = took
                if not crashed:  # the grader's own failure is retried on the next run
                    ledger.record(sub.student, hashes[sub.student], res, took)
            with lock:
                line = bar.add(res, kept=sub.student in kept)
                when = "kept" if sub.student in kept else f"{took:5.1f}s"
                print(f"  {sub.student[:24]:<24} {res.score:5.1f}/{res.max_score:<5.1f} "
                      f"{res.status:<8} {when:>6}  {res.message[:70]}\n    {line}", flush=True)
            return res

        def ready(sub):
            """The Result of a student needing no grading run (kept, or not gradable)."""
            if sub.student in kept:
                res, seconds[sub.student] = kept[sub.student]
                return res
            if sub.status != "ok" or sub.path is None:
                return Result(sub.student, assignment, status=sub.status, message=sub.message)
            return None

        done = {}
        for sub in subs:
            res = ready(sub)
            if res is not None:
                done[sub.student] = finish(sub, res, took=0.0)
        todo = [s for s in subs if s.student not in done]
        if todo and engine == "dask":
            done.update(_grade_on_dask(todo, assignment, timeout, jobs, source,
                                       allow_unisolated, scheduler, out, finish))
        elif todo:
            from . import warm

            warm.preload_hf(needs_hf(nbformat.read(_source_nb(assignment, source), as_version=4)))
            template = prepare(assignment, Path(tmp) / "template", source)

            def one(sub):
                t0 = time.time()
                try:
                    res = grade_one(assignment, sub.student, sub.path, out, template=template,
                                    timeout=timeout, source=source,
                                    allow_unisolated=allow_unisolated)
                    crashed = False
                except Exception as exc:  # one bad submission never stops the batch
                    res, crashed = crash_result(sub.student, assignment, exc), True
                return finish(sub, res, crashed, time.time() - t0)

            with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
                done.update(zip([s.student for s in todo], pool.map(one, todo)))
        rows = [done[s.student] for s in subs]
    source_nb = nbformat.read(_source_nb(assignment, source), as_version=4)
    tasks, owner = _graded_cells(source_nb)
    full = sum(float(c.metadata["nbgrader"]["points"]) for c in source_nb.cells
               if c.metadata.get("nbgrader", {}).get("grade"))
    columns = ["student", "name", "assignment", "score", "max_score", "status", "review",
               *[f"task:{t}" for t in tasks], "isolation", "message"]
    table = []
    for r in rows:
        table.append({"student": r.student, "name": getattr(r, "display", r.student),
                      "assignment": r.assignment, "score": f"{r.score:g}",
                      "max_score": f"{r.max_score or full:g}", "status": r.status,
                      "review": " | ".join(r.review),
                      **{f"task:{t}": f"{r.tasks.get(t, [0, 0])[0]:g}" for t in tasks},
                      "isolation": r.isolation or iso["summary"], "message": r.message})
    report.write_csv(table, out / "grades.csv", columns,
                     numeric_columns=["score", "max_score", *[f"task:{t}" for t in tasks]])
    took = time.time() - t_start
    print(progress.summary(rows, seconds, tasks, full))
    print(f"wrote {out / 'grades.csv'} ({len(rows)} rows) and "
          f"{len([r for r in rows if r.feedback])} feedback file(s) in {took:.0f} s; "
          f"{len([r for r in rows if r.review])} row(s) flagged for review")
    return 0


def _grade_on_dask(todo, assignment, timeout, jobs, source, allow_unisolated, scheduler, out,
                   finish) -> dict:
    """Grade ``todo`` as one Dask job per student; ``finish`` records each as it completes."""
    from distributed import as_completed

    from .engine import Cluster, grade_job

    done = {}
    with Cluster(jobs, scheduler) as client:
        print(f"engine: dask, {len(client.scheduler_info().get('workers', {}))} worker(s)"
              + (f" at {scheduler}" if scheduler else " (local cluster)"), flush=True)
        futures = {}
        for sub in todo:
            job = {"assignment": assignment, "student": sub.student,
                   "notebook": sub.path.read_bytes(), "timeout": timeout,
                   "source": str(source) if source else None,
                   "allow_unisolated": allow_unisolated}
            fut = client.submit(grade_job, job, pure=False, retries=0,
                                key=f"grade-{sub.student}-{os.urandom(4).hex()}")
            futures[fut] = (sub, time.time())
        for fut in as_completed(futures):
            sub, t0 = futures[fut]
            try:
                payload = fut.result()
                res, crashed = Result(**payload["result"]), payload["crashed"]
                if payload["feedback"] is not None:
                    dest = out / "feedback" / sub.student / f"{assignment}.html"
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_bytes(payload["feedback"])
                    res.feedback = dest
            except Exception as exc:  # KilledWorker: its worker died twice; or the engine broke
                from distributed import KilledWorker

                crashed = not isinstance(exc, KilledWorker)
                res = crash_result(sub.student, assignment, exc) if crashed else Result(
                    sub.student, assignment, status="error", message="grading failed: the "
                    "worker grading this submission died twice (the machine ran out of memory, "
                    "or a worker was stopped)")
            done[sub.student] = finish(sub, res, crashed, time.time() - t0)
    return done


# ---------------------------------------------------------------------------------- validate

RIGHT = ROOT / "autograder" / "right"


def _wrong_impls(assignment: str, folder: Path = WRONG) -> tuple[list[str], dict[str, list[Path]]]:
    """The assignment's tasks, and its wrong (or, with ``folder=RIGHT``, correct alternative)
    implementations by task (each file defines exactly one task function)."""
    source = nbformat.read(SOLUTIONS / assignment / f"{assignment}.ipynb", as_version=4)
    tasks, _ = _graded_cells(source)
    out: dict[str, list[Path]] = {}
    for path in sorted((folder / assignment).glob("*.py")):
        defined = {n.name for n in ast.parse(path.read_text()).body
                   if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        hit = [t for t in tasks if t in defined]
        if len(hit) != 1:
            raise SystemExit(f"validate: {path} must define exactly one task function "
                             f"(one of {tasks}), found {sorted(defined)}")
        out.setdefault(hit[0], []).append(path)
    return tasks, out


def _with_replacements(assignment: str, replace: dict[str, Path], dest: Path) -> Path:
    nb = nbformat.read(SOLUTIONS / assignment / f"{assignment}.ipynb", as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in replace:
            cell.source = replace[gid].read_text()
    nbformat.write(nb, dest)
    return dest


def _batches(impls: dict[str, list[Path]]) -> list[dict[str, Path]]:
    """Notebooks to grade: batch k replaces every task's k-th implementation at once."""
    return [{t: files[k] for t, files in impls.items() if k < len(files)}
            for k in range(max((len(v) for v in impls.values()), default=0))]


def _validation_runs(a: str, template: Path, tmp: Path) -> list[tuple]:
    """(assignment, label, notebook, replaced tasks, kind, template) of every run for ``a``."""
    _, wrong = _wrong_impls(a)
    _, right = _wrong_impls(a, RIGHT)
    runs = [(a, "solution", SOLUTIONS / a / f"{a}.ipynb", {}, None, template),
            (a, "released stub", EXERCISES / a / f"{a}.ipynb", {}, None, template)]
    for kind, impls in (("wrong", wrong), ("right", right)):
        for k, batch in enumerate(_batches(impls)):
            path = _with_replacements(a, batch, tmp / f"{a}-{kind}{k}.ipynb")
            runs.append((a, f"{kind} batch {k + 1}", path, batch, kind, template))
    return runs


def _validation_report(a: str, runs: list[tuple], results: list) -> list[str]:
    """Print one assignment's scores and per-task table; returns its failures."""
    failures = []
    tasks, wrong = _wrong_impls(a)
    _, right = _wrong_impls(a, RIGHT)
    table = {t: {"solution": "-", "stub": "-", "wrong": [0, len(wrong.get(t, []))],
                 "right": [0, len(right.get(t, []))]} for t in tasks}
    print(f"\n== {a}")
    for (_, label, path, batch, kind, _), (res, took) in zip(runs, results):
        if kind is None:
            want_full = label == "solution"
            ok = res.status == "graded" and (res.score == res.max_score if want_full
                                             else res.score == 0)
            print(f"  {label:<16} {res.score:g}/{res.max_score:g}  "
                  f"{'ok' if ok else 'FAIL: must be ' + ('full marks' if want_full else 'zero')}"
                  f"  ({took:.0f}s)")
            for t in tasks:
                got, full = res.tasks.get(t, [0, 0])
                table[t]["solution" if want_full else "stub"] = f"{got:g}/{full:g}"
            if not ok:
                failures.append(f"{a}: {label} scored {res.score:g}/{res.max_score:g}"
                                f" ({res.message[:300]})")
            continue
        print(f"  {label} ({took:.0f}s):")
        for task, wpath in batch.items():
            got, full = res.tasks.get(task, [0, 0])
            ok = got < full if kind == "wrong" else (got == full and res.status == "graded")
            why = [c[2].splitlines()[0] for gid, c in res.cells.items()
                   if c[0] < c[1] and c[2] and gid.startswith(f"test_{task}")]
            verdict = ("ok, loses points" if kind == "wrong" else "ok, full marks") \
                if ok else ("FAIL: not caught" if kind == "wrong" else "FAIL: lost points")
            print(f"    {task}/{wpath.stem:<36} {got:g}/{full:g}  {verdict}"
                  f"  {why[0][:90] if why else ''}")
            table[task][kind][0] += ok
            if not ok:
                failures.append(f"{a}: {kind} implementation {wpath.name} "
                                + ("scores full marks" if kind == "wrong" else
                                   f"loses points ({why[0][:200] if why else res.message[:200]})")
                                + f" on {task}")
    print(f"\n  {'task':<30} {'solution':>9} {'stub':>6} {'wrong caught':>13} "
          f"{'alternatives full':>18}")
    for t in tasks:
        row = table[t]
        print(f"  {t:<30} {row['solution']:>9} {row['stub']:>6} "
              f"{row['wrong'][0]:>6}/{row['wrong'][1]:<6} {row['right'][0]:>9}/{row['right'][1]:<8}")
        if row["wrong"][1] < 3:
            failures.append(f"{a}: task {t} has {row['wrong'][1]} wrong implementations "
                            "(at least 3 required)")
        if row["right"][1] < 1:
            failures.append(f"{a}: task {t} has no correct alternative in "
                            f"autograder/right/{a}/ (at least 1 required)")
    return failures


def validate(only: str | None = None, jobs: int = 2) -> int:
    """Per assignment, through the real grade path (sandbox, checker service, records): the
    solution scores full marks, the released stub zero, every wrong implementation loses points
    on its task, every correct alternative keeps full marks on its task. Prints every score and a
    per-task table.

    The runs of every assignment share one pool of ``jobs`` workers (each run is still its own
    student: private course copy, sandbox and checker), later chapters (the slower ones) first,
    so no core idles at an assignment's tail."""
    from concurrent.futures import ThreadPoolExecutor

    allow = not isolation_or_exit(True)["full"]
    if not allow:
        from .sandbox_kernel import sweep_stale

        sweep_stale()
    names = [a for a in assignments() if not only or a == only]
    t0 = time.time()
    with tempfile.TemporaryDirectory(prefix="llmz-validate-") as tmp, \
            ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        tmp = Path(tmp)
        templates = dict(zip(names, pool.map(lambda a: prepare(a, tmp / a / "template"), names)))
        plan = {a: _validation_runs(a, templates[a], tmp) for a in names}
        order = [r for a in reversed(names) for r in plan[a]]
        done = [0]

        def run(item):
            a, label, path, _, _, template = item
            start = time.time()
            res = grade_one(a, "validator", path, template=template, allow_unisolated=allow)
            done[0] += 1
            print(f"  [{done[0]}/{len(order)}] {a} {label}: {res.score:g}/{res.max_score:g} "
                  f"({time.time() - start:.0f}s)", file=sys.stderr, flush=True)
            return res, time.time() - start

        results = dict(zip(map(id, order), pool.map(run, order)))
    failures = []
    for a in names:
        failures += _validation_report(a, plan[a], [results[id(r)] for r in plan[a]])
    print(f"\nvalidate: {sum(len(v) for v in plan.values())} grading runs in "
          f"{time.time() - t0:.0f} s with {jobs} job(s)\n")
    if failures:
        print("VALIDATION FAILED:\n  " + "\n  ".join(failures))
        return 1
    print("validation: every solution full, every stub zero, every wrong implementation caught, "
          "every correct alternative full")
    return 0


# ---------------------------------------------------------------------------------- bench

def _execute_timed(path: Path, timeout: int = 900):
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    t0 = time.time()
    NotebookClient(nb, timeout=timeout, kernel_name="python3", record_timing=True,
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    total = time.time() - t0
    cells = []
    for cell in nb.cells:
        ex = cell.metadata.get("execution", {})
        if "iopub.execute_input" in ex and "shell.execute_reply" in ex:
            from datetime import datetime

            def ts(s):
                return datetime.fromisoformat(s.replace("Z", "+00:00"))
            cells.append((cell, (ts(ex["shell.execute_reply"]) -
                                 ts(ex["iopub.execute_input"])).total_seconds()))
    return total, cells


def bench() -> int:
    """Times on this machine: each chapter (budget 180 s, small profile) and each graded
    cell of each solution notebook (budget 20 s)."""
    over = []
    print(f"{'notebook':<44}{'seconds':>9}  budget")
    for path in sorted((ROOT / "chapters").glob("*.ipynb")):
        total, _ = _execute_timed(path)
        flag = "ok" if total < 180 else "OVER"
        over += [path.name] if total >= 180 else []
        print(f"{str(path.relative_to(ROOT)):<44}{total:9.1f}  180 s {flag}")
    print(f"\n{'graded cell':<44}{'seconds':>9}  budget")
    for a in assignments():
        total, cells = _execute_timed(SOLUTIONS / a / f"{a}.ipynb")
        for cell, secs in cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade") or meta.get("solution"):
                flag = "ok" if secs < 20 else "OVER"
                over += [meta["grade_id"]] if secs >= 20 else []
                print(f"{a + '/' + meta['grade_id']:<44}{secs:9.2f}  20 s {flag}")
        print(f"{a + ' (whole notebook)':<44}{total:9.1f}")
    print("\nall within budget" if not over else f"\nover budget: {', '.join(over)}")
    return 0 if not over else 1


# ---------------------------------------------------------------------------------- CLI

def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m autograder", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("release", help="regenerate exercises/ from solutions/")
    r.add_argument("--check", action="store_true", help="fail if exercises/ drifted")
    g = sub.add_parser("grade", help="grade a folder or LMS zip of submissions")
    g.add_argument("submissions", type=Path)
    g.add_argument("-a", "--assignment", required=True)
    g.add_argument("-o", "--out", type=Path, default=Path("grading-output"))
    g.add_argument("--timeout", type=int, help="seconds per cell (default: nbgrader_config.py)")
    g.add_argument("-j", "--jobs", type=int, default=min(2, os.cpu_count() or 1),
                   help="students graded at once on this machine (about one per CPU core; "
                   "default: 2)")
    g.add_argument("--source", type=Path, help="private folder of exercise sources "
                   "(NN_topic/NN_topic.ipynb with hidden tests); default: solutions/")
    g.add_argument("--allow-unisolated", action="store_true",
                   help="grade without the sandbox (practice only: rows say UNISOLATED)")
    g.add_argument("--engine", choices=["dask", "threads"], default="dask",
                   help="dask (default): one job per student on a Dask cluster; threads: in "
                   "this process")
    g.add_argument("--scheduler", help="a Dask scheduler address (tcp://host:8786) whose "
                   "workers share this course; default: a local cluster of --jobs workers")
    g.add_argument("--regrade", action="store_true",
                   help="grade every student again, even those already graded in --out")
    v = sub.add_parser("validate", help="prove the tests test (solution/stub/wrong)")
    v.add_argument("-a", "--assignment")
    v.add_argument("-j", "--jobs", type=int, default=min(2, os.cpu_count() or 1),
                   help="grading runs at once (default: 2)")
    sub.add_parser("bench", help="time chapters and graded cells")
    bg = sub.add_parser("bench-grading", help="grading speed: serial, --jobs 2 and a Dask "
                        "cluster of 2 workers on the same class")
    bg.add_argument("-n", type=int, default=50, help="students (default 50)")
    bg.add_argument("-a", "--assignment", default="01_rnn")
    x = sub.add_parser("execute", help="run the chapter notebooks in parallel into the book's "
                       "jupyter cache (make book does this before building)")
    x.add_argument("-j", "--jobs", type=int, default=min(2, os.cpu_count() or 1),
                   help="notebooks at once (default: 2)")
    pb = sub.add_parser("publish", help="write the learner face (no solutions, no hidden tests)")
    pb.add_argument("out", type=Path)
    sub.add_parser("setup-cells", help="write the canonical setup cell into every notebook")
    args = ap.parse_args(argv)
    if args.cmd == "release":
        return release(args.check)
    if args.cmd == "grade":
        return grade(args.submissions.resolve(), args.assignment, args.out.resolve(),
                     args.timeout, args.jobs, args.source.resolve() if args.source else None,
                     args.allow_unisolated, args.regrade, args.engine, args.scheduler)
    if args.cmd == "validate":
        return validate(args.assignment, args.jobs)
    if args.cmd == "bench":
        return bench()
    if args.cmd == "bench-grading":
        from .bench_grading import main as bench_grading

        return bench_grading(args.n, args.assignment)
    if args.cmd == "execute":
        from .execute import execute

        return execute(args.jobs)
    if args.cmd == "publish":
        from .publish import main_publish

        return main_publish(args.out.resolve())
    if args.cmd == "setup-cells":
        from .setup_cell import write_setup_cells

        for p in write_setup_cells():
            print(f"updated {p.relative_to(ROOT)}")
        return release()
    return 2
