"""Execute the book's chapter notebooks in parallel into the build's jupyter cache.

``make book`` runs this before ``jupyter-book build``; the build (``execute_notebooks: cache``)
then finds each chapter's outputs in ``_build/.jupyter_cache`` instead of executing the chapters
one after another. Each chapter runs in its own kernel, ``jobs`` at a time, with the CPU split
between them (``OMP_NUM_THREADS``).

A cached chapter is reused only while nothing it depends on changed: jupyter-cache matches a
notebook by the hash of its code cells and kernel, and this module keys the whole cache by a
hash of everything else a chapter reads (``llmz`` and its assets, the pinned requirements, the
profile and Python); when that fingerprint changes the cache is emptied. A fresh clone has no
cache, so CI always executes every chapter.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "_build" / ".jupyter_cache"
DEPENDS = ["llmz", "pyproject.toml", "requirements.txt", "requirements-nodeps.txt",
           "constraints.txt"]


def fingerprint(root: Path = ROOT) -> str:
    """A hash of everything outside a chapter's own code that its outputs depend on."""
    h = hashlib.sha256()
    for name in DEPENDS:
        path = root / name
        files = sorted(p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts) \
            if path.is_dir() else [path]
        for f in files:
            h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() + b"\0")
    for key in ("LLMZ_PROFILE", "LLMZ_DEVICE"):
        h.update(f"{key}={os.environ.get(key, '')}\0".encode())
    h.update(sys.version.encode())
    return h.hexdigest()


def chapters() -> list[Path]:
    """The notebooks the book executes: every .ipynb in the table of contents, minus the
    execution exclude patterns of _config.yml (the exercises)."""
    import fnmatch

    toc = (ROOT / "_toc.yml").read_text()
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text())
    skip = cfg.get("execute", {}).get("exclude_patterns", [])
    out = []
    for line in toc.splitlines():
        line = line.strip().lstrip("-").strip()
        if line.startswith("file:"):
            rel = line.split(":", 1)[1].strip()
            path = ROOT / (rel if rel.endswith(".ipynb") else rel + ".ipynb")
            if path.exists() and not any(fnmatch.fnmatch(path.relative_to(ROOT).as_posix(), p)
                                         for p in skip):
                out.append(path)
    return out


def _run(path: str, timeout: int, threads: int) -> tuple[str, str, float, str | None]:
    from jupyter_cache.executors.utils import single_nb_execution

    os.environ["OMP_NUM_THREADS"] = str(threads)  # the kernel inherits it
    nb = nbformat.read(path, as_version=4)
    result = single_nb_execution(nb, cwd=str(Path(path).parent), timeout=timeout,
                                 allow_errors=False, meta_override=True)
    return path, nbformat.writes(nb), result.time, result.exc_string


def execute(jobs: int | None = None, timeout: int | None = None) -> int:
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    cfg = yaml.safe_load((ROOT / "_config.yml").read_text()).get("execute", {})
    timeout = timeout or int(cfg.get("timeout", 600))
    jobs = jobs or min(2, os.cpu_count() or 1)
    stamp = CACHE / "llmz-fingerprint"
    fp = fingerprint()
    if CACHE.exists() and (not stamp.exists() or stamp.read_text() != fp):
        print("execute: llmz, the requirements or the profile changed: emptying the cache")
        shutil.rmtree(CACHE)
    CACHE.mkdir(parents=True, exist_ok=True)
    cache = get_cache(str(CACHE))
    stamp.write_text(fp)
    todo = []
    for path in chapters():
        try:
            cache.match_cache_notebook(nbformat.read(path, as_version=4))
            print(f"  {path.relative_to(ROOT)}: cached")
        except KeyError:
            todo.append(path)
    if not todo:
        return 0
    threads = max(1, (os.cpu_count() or 1) // jobs)
    print(f"execute: {len(todo)} notebook(s), {jobs} at a time, {threads} thread(s) each",
          flush=True)
    todo.reverse()  # later chapters train more: start them first so neither worker idles at the end
    t0, failed = time.time(), []
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn")) as pool:
        futures = [pool.submit(_run, str(p), timeout, threads) for p in todo]
        for fut in futures:
            path, text, took, err = fut.result()
            rel = Path(path).relative_to(ROOT)
            if err:
                failed.append(str(rel))
                print(f"  {rel}: FAILED after {took:.0f} s\n{err[-3000:]}", flush=True)
                continue
            uri = cache.add_nb_to_project(path).uri
            cache.cache_notebook_bundle(
                CacheBundleIn(nbformat.reads(text, as_version=4), uri,
                              data={"execution_seconds": took}),
                check_validity=False, overwrite=True)
            print(f"  {rel}: {took:.0f} s", flush=True)
    print(f"execute: done in {time.time() - t0:.0f} s" +
          (f"; failed: {', '.join(failed)}" if failed else ""))
    return 1 if failed else 0
