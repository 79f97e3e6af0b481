"""Grading a class on Dask distributed: one job per student, on this machine or on many.

``grade`` sends each student to a Dask cluster as an independent job: the notebook's bytes go
in; the Result and the feedback page come back; the job grades in its own temporary course,
gradebook and sandbox exactly as ``grade_one`` always does. Without ``--scheduler`` the
command starts a ``LocalCluster`` (``--jobs`` worker processes, one thread each) and needs no
setup. Given a scheduler address it fans out across every machine whose workers run from a
checkout of the same course (same commit, same ``.venv``)::

    dask scheduler                                   # on one machine
    DASK_DISTRIBUTED__WORKER__DAEMON=False dask worker tcp://HOST:8786 --nthreads 1 --nworkers 2
    python -m autograder grade class.zip -a 01_rnn --scheduler tcp://HOST:8786

(workers must be non-daemonic: a grading job starts processes of its own.)

Why Dask rather than Ray: a job here is a small notebook in and a small result out, with no
shared arrays, so Ray's object store and its larger runtime buy nothing; Dask is pure Python,
installs from PyPI with the rest of the course, and the same code runs on a LocalCluster or
on a scheduler across machines. Failure policy: a job whose worker dies (the machine, the
process, the network) is retried once on another worker (``allowed-failures`` = 1); a
student's own failure (an error, a time-out, a memory bomb inside the sandbox) is a graded
Result, never an exception, so it is never retried.
"""
from __future__ import annotations

import hashlib
import shutil
import tempfile
import threading
from dataclasses import asdict
from pathlib import Path

CONFIG = {"distributed.worker.daemon": False,            # jobs start processes of their own
          "distributed.scheduler.allowed-failures": 1,   # one retry after a worker dies
          "distributed.worker.memory.target": False,     # the sandbox caps each kernel;
          "distributed.worker.memory.spill": False,      # the worker holds nothing worth
          "distributed.worker.memory.pause": False,      # spilling or pausing for
          "distributed.worker.memory.terminate": False,
          "distributed.admin.tick.limit": "1h"}          # a busy worker is not a dead one

_templates: dict[tuple, Path] = {}
_lock = threading.Lock()


def _scratch() -> Path:
    try:
        from distributed import get_worker

        return Path(get_worker().local_directory)
    except (ImportError, ValueError):
        return Path(tempfile.gettempdir())


def _template(assignment: str, source: str | None) -> Path:
    """The assignment's prepared course, made once per worker process."""
    import nbformat

    from . import warm
    from .course import _source_nb, needs_hf, prepare

    src = Path(source) if source else None
    digest = hashlib.sha256(_source_nb(assignment, src).read_bytes()).hexdigest()[:16]
    key = (assignment, source, digest)
    with _lock:
        if key not in _templates or not _templates[key].exists():
            # the worker's forkserver (started by prepare) imports only what this assignment uses
            warm.preload_hf(needs_hf(nbformat.read(_source_nb(assignment, src), as_version=4)))
            where = Path(tempfile.mkdtemp(prefix="llmz-template-", dir=_scratch()))
            _templates[key] = prepare(assignment, where / "t", src)
        return _templates[key]


def grade_job(job: dict) -> dict:
    """One student, on whichever worker runs it: returns the Result as a dict and the feedback
    page's bytes. The grader's own crash is raised (``crashed``), never recorded."""
    from .course import crash_result, grade_one

    base = Path(tempfile.mkdtemp(prefix="llmz-job-", dir=_scratch()))
    try:
        nb = base / f"{job['assignment']}.ipynb"
        nb.write_bytes(job["notebook"])
        out = base / "out"
        try:
            res = grade_one(job["assignment"], job["student"], nb, out,
                            template=_template(job["assignment"], job["source"]),
                            timeout=job["timeout"],
                            source=Path(job["source"]) if job["source"] else None,
                            allow_unisolated=job["allow_unisolated"])
            crashed = False
        except Exception as exc:
            res, crashed = crash_result(job["student"], job["assignment"], exc), True
        page = res.feedback.read_bytes() if res.feedback and res.feedback.exists() else None
        data = asdict(res)
        data["feedback"] = None
        return {"result": data, "feedback": page, "crashed": crashed}
    finally:
        shutil.rmtree(base, ignore_errors=True)


class Cluster:
    """``with Cluster(jobs, scheduler) as client``: a Dask client on a LocalCluster of ``jobs``
    single-threaded worker processes (its scratch space removed afterwards), or on the given
    scheduler."""

    def __init__(self, jobs: int, scheduler: str | None = None):
        self.jobs, self.scheduler = max(1, jobs), scheduler

    def __enter__(self):
        import logging

        import dask
        from distributed import Client, LocalCluster

        self.cluster = None
        self.scratch = None if self.scheduler else tempfile.mkdtemp(prefix="llmz-dask-")
        # everything the cluster writes (its scratch space, each job's course, libraries'
        # caches) stays in one folder that is removed at the end
        self._cfg = dask.config.set({**CONFIG, **({"temporary-directory": self.scratch}
                                                  if self.scratch else {})})
        self._cfg.__enter__()
        if self.scheduler:
            self.client = Client(self.scheduler)
        else:
            self.cluster = LocalCluster(n_workers=self.jobs, threads_per_worker=1,
                                        processes=True, memory_limit=0,
                                        dashboard_address=None, local_directory=self.scratch,
                                        env={"TMPDIR": self.scratch},
                                        silence_logs=logging.CRITICAL)
            self.client = Client(self.cluster)
        return self.client

    def __exit__(self, *exc):
        try:
            self.client.close()
            if self.cluster is not None:
                self.cluster.close()
        finally:
            self._cfg.__exit__(None, None, None)
            if self.scratch:
                shutil.rmtree(self.scratch, ignore_errors=True)
        return False
