"""Grader helpers started warm: nbgrader and the checker service fork from one prepared process.

Every student's run needs an ``nbgrader`` process and a checker service, and each used to start
as a new interpreter that imported nbgrader (about 4 s of CPU on the course's 2-core machine) or
torch and transformers (about 8 s). A grading command now starts one multiprocessing forkserver
that imports them once (:mod:`autograder._preload`); each helper is a fresh fork of it.

Isolation is unchanged: the forkserver never runs learner code or a hidden test, so each fork
starts from the same clean state, shares nothing writable with its siblings (copy-on-write), and
gets its own session, working folder, environment and memory cap. Learner kernels are still new
processes in their own sandbox, started by nbgrader as before. The forkserver listens on a
socket in a 0700 folder of the grader's /tmp, which sandboxed kernels (another uid, a private
/tmp, no network) cannot reach.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from pathlib import Path

_lock = threading.Lock()
_ctx = None
_hf = True  # preload the Hugging Face stack too (autograder/_preload_hf.py)


def preload_hf(wanted: bool) -> None:
    """Whether the forkserver, when it starts, imports transformers as well (default: yes). A
    grade command whose assignment never imports it says no (``course.needs_hf``): a worker's
    forkserver is then ready about 7 s of CPU sooner. Only speed depends on it: a helper that
    needs a module the forkserver did not import imports it itself. No effect once started."""
    global _hf
    with _lock:
        _hf = bool(wanted)


def context():
    """The forkserver context, started on first use with the grader's thread settings."""
    global _ctx
    with _lock:
        if _ctx is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload(["autograder._preload"] +
                                       (["autograder._preload_hf"] if _hf else []))
            # libgomp reads these once, when torch loads in the forkserver: idle threads sleep
            saved = {k: os.environ.get(k) for k in ("OMP_WAIT_POLICY", "OMP_NUM_THREADS")}
            os.environ.update(OMP_WAIT_POLICY="PASSIVE", OMP_NUM_THREADS="1")
            try:
                from multiprocessing import forkserver

                forkserver.ensure_running()
            finally:
                for k, v in saved.items():
                    if v is None:
                        os.environ.pop(k, None)
                    else:
                        os.environ[k] = v
            _ctx = ctx
    return _ctx


def _child(kind: str, argv: list[str], cwd: str, env: dict, log: str | None,
           memory_gib: float, threads: int) -> None:
    import resource
    import sys

    # a helper is a program of its own, not a worker: libraries that behave differently in a
    # multiprocessing child (transformers' seeded data collators refuse to seed) see a main process
    multiprocessing.current_process().name = "MainProcess"
    # a stopped batch leaves no checker or nbgrader behind: it dies if the forkserver dies...
    import ctypes
    import signal

    parent = os.getppid()
    ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(1)
    os.setsid()  # its own process group: a time-out ends it and every process it started
    # ... and so does the end of the process that asked for it (the grade command or one of its
    # workers), however it ended: a checker whose grader is gone would wait for ever, and it
    # keeps the forkserver alive
    asker = multiprocessing.parent_process()
    if asker is not None:
        import threading

        def orphaned():
            from multiprocessing.connection import wait

            wait([asker.sentinel])
            os.killpg(os.getpid(), signal.SIGKILL)

        threading.Thread(target=orphaned, daemon=True).start()
    limit = int(memory_gib * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    null = os.open(os.devnull, os.O_RDONLY)
    out = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600) if log else \
        os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 0)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.chdir(cwd)
    os.environ.clear()
    os.environ.update(env)
    import torch

    torch.set_num_threads(threads)
    if kind == "nbgrader":
        from nbgrader.apps.nbgraderapp import main

        sys.argv = ["nbgrader", *argv]
        main()
    elif kind == "checker":
        from autograder.checker_service import main

        sys.exit(main(argv))
    elif kind == "plan":  # the forbid plan of a list of names (llmz.grading.forbid_plan)
        import json

        from llmz.grading import forbid_plan

        print(json.dumps(forbid_plan(json.loads(argv[0]))), flush=True)
    else:
        raise SystemExit(f"unknown helper {kind!r}")


def start(kind: str, argv: list[str], cwd: Path, env: dict, log: Path | None = None,
          memory_gib: float = 6.0, threads: int = 1):
    """Start helper ``kind`` ("nbgrader", "checker" or "plan") from the forkserver; returns the
    process."""
    p = context().Process(target=_child, args=(kind, list(argv), str(cwd), dict(env),
                                               str(log) if log else None, memory_gib, threads),
                          daemon=False)
    p.start()
    return p


def stop(p) -> None:
    """End a helper and everything in its process group."""
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    p.join()


def run(kind: str, argv: list[str], cwd: Path, env: dict, log: Path,
        timeout: float | None = None, memory_gib: float = 6.0, threads: int = 1) -> int | None:
    """Run a helper to its end; returns its exit code, or None when it ran past ``timeout``."""
    p = start(kind, argv, cwd, env, log, memory_gib, threads)
    p.join(timeout)
    if p.exitcode is None:
        stop(p)
        return None
    return p.exitcode
