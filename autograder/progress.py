"""A grading batch that can be stopped and resumed, and says how it is going.

``grade`` keeps one record per finished student in ``OUT/.ledger/<student>.json``, written
atomically the moment that student is done. Run the same command again with the same output
folder and every student whose record matches is kept, not regraded: the record must name the
same submission (a hash of the notebook that was graded) and the same grading key (a hash of
the assignment's source notebook with its hidden tests, of the grader's code, of the time-out
and the isolation). A changed submission regrades that student, a changed test or checker
regrades everyone; so does ``--regrade``.
A crash of the grader itself (not of the student's code) is never recorded, so it is retried.
"""
from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict
from pathlib import Path

from .report import atomic_open

VERSION = 1


def file_hash(path: Path | None) -> str:
    if path is None:
        return ""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def grading_key(source_nb: Path, assignment: str, timeout, isolated: bool) -> str:
    """What a grade depends on besides the submission: the source notebook (hidden tests), the
    grader's own code (autograder/ and llmz/, which holds the checker), the settings."""
    root = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(Path(source_nb).read_bytes())
    for f in sorted([*(root / "autograder").glob("*.py"), *(root / "llmz").glob("*.py")]):
        h.update(f.name.encode() + b"\0" + f.read_bytes())
    h.update(json.dumps([VERSION, assignment, timeout, isolated]).encode())
    return h.hexdigest()


class Ledger:
    def __init__(self, out: Path, key: str, regrade: bool = False):
        self.folder, self.key, self.regrade = Path(out) / ".ledger", key, regrade

    def _path(self, student: str) -> Path:
        return self.folder / f"{student}.json"

    def kept(self, student: str, submission_hash: str):
        """The stored Result for this student, if it still stands; else None."""
        from .course import Result

        if self.regrade:
            return None
        try:
            rec = json.loads(self._path(student).read_text())
            if rec["key"] != self.key or rec["submission"] != submission_hash:
                return None
            res = Result(**rec["result"])
        except (OSError, ValueError, KeyError, TypeError):
            return None  # missing, half-written by an older tool, or foreign: regrade
        res.feedback = Path(res.feedback) if res.feedback else None
        return res, float(rec.get("seconds", 0.0))

    def record(self, student: str, submission_hash: str, res, seconds: float) -> None:
        data = asdict(res)
        data["feedback"] = str(res.feedback) if res.feedback else None
        with atomic_open(self._path(student)) as fh:
            json.dump({"key": self.key, "submission": submission_hash, "seconds": seconds,
                       "result": data}, fh)


class Progress:
    """One line per finished student: how many are done and failed, and the time left."""

    def __init__(self, total: int):
        self.total, self.done, self.failed, self.kept = total, 0, 0, 0
        self.t0 = time.time()

    def bar(self, width: int = 20) -> str:
        filled = int(width * self.done / max(1, self.total))
        left = ""
        graded = self.done - self.kept
        if graded and self.done < self.total:
            per = (time.time() - self.t0) / graded  # wall time per student, jobs included
            secs = per * (self.total - self.done)
            left = f", ~{int(secs // 60)}m{int(secs % 60):02d}s left"
        return (f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total} done, "
                f"{self.failed} failed{left}")

    def add(self, res, kept: bool = False) -> str:
        self.done += 1
        self.kept += kept
        self.failed += res.status != "graded"
        return self.bar()


def summary(rows, seconds: dict, tasks: list[str], full: float, bins: int = 10) -> str:
    """Score histogram, per-task mean and the slowest students, as text."""
    lines = ["score histogram:"]
    counts = [0] * bins
    for r in rows:
        frac = (r.score / full) if full else 0.0
        counts[min(bins - 1, int(frac * bins))] += 1
    top = max(counts) or 1
    for i, c in enumerate(counts):
        lo, hi = full * i / bins, full * (i + 1) / bins
        bracket = "]" if i == bins - 1 else ")"
        lines.append(f"  [{lo:5.1f}, {hi:5.1f}{bracket} {'#' * round(30 * c / top):<30} {c}")
    lines.append("per-task mean:")
    for t in tasks:
        got = [r.tasks.get(t, [0, 0]) for r in rows]
        mx = max((g[1] for g in got), default=0)
        mean = sum(g[0] for g in got) / max(1, len(got))
        lines.append(f"  {t:<32} {mean:5.2f} / {mx:g}")
    slow = sorted(seconds.items(), key=lambda kv: -kv[1])[:5]
    if slow:
        lines.append("slowest students: " + ", ".join(f"{s} ({t:.0f} s)" for s, t in slow))
    return "\n".join(lines)
