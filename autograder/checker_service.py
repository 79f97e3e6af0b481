"""The grader's checker service: the only place a hidden test runs, and the only judge of a cell.

``grade_one`` starts one service per student, as the grader's user and outside the learner's
sandbox, before the kernel starts:

    python -m autograder.checker_service --socket S --source NB --records DIR --nonce N

It listens on the unix socket ``S`` (the only thing of the grader the sandbox can reach). The
kernel's guard connects first and keeps that connection as its forbidden-call channel; after
that, each ``%%graded --ref test_x`` cell connects, names its cell, and the service runs that
cell's body, read from the source notebook ``NB`` (which the kernel never sees), calling the
learner's functions through the connection. The verdict of each cell is written once, to
``DIR/<cell>.json`` with the run's nonce; the grade command scores from those files only.
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import sys
import time
from pathlib import Path


def test_cells(nb) -> dict:
    """grade_id -> (names, forbid, options, body) of every ``%%graded`` test cell; each body
    starts with the notebook's ``%%checker_helpers`` code."""
    from llmz.grading import _parse_line, helper_source

    helpers = helper_source(nb)  # the source's %%checker_helpers, before every body
    cells = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("grade") or meta.get("solution"):
            continue
        first, _, body = cell.source.partition("\n")
        if first.startswith("%%graded"):
            names, forbid, opts = _parse_line(first[len("%%graded"):])
            cells[meta["grade_id"]] = (names, forbid, opts, helpers + body)
    return cells


def return_annotations(nb) -> dict[str, str]:
    """Task function -> its return annotation, from the solution cells of the source."""
    import ast

    out = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type != "code" or not meta.get("solution") or meta.get("grade"):
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef) and node.name == meta.get("grade_id") \
                    and node.returns is not None:
                out[node.name] = ast.unparse(node.returns)
    return out


def _write_record(records: Path, ref: str, record: dict) -> bool:
    """Atomically create ``ref``'s record; False when the cell was already judged."""
    path = records / f"{ref}.json"
    tmp = records / f".{ref}.{os.getpid()}.tmp"
    tmp.write_text(json.dumps(record))
    try:
        os.link(tmp, path)  # fails if it exists: the first verdict stands
        return True
    except FileExistsError:
        return False
    finally:
        tmp.unlink()


def serve(sock_path: str, source: Path, records: Path, nonce: str, timeout: float) -> None:
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(sock_path)  # first: the kernel may already be waiting to connect
    os.chmod(sock_path, 0o666)  # its folder is private to this student's uid and the grader
    srv.listen(4)
    import torch

    from llmz.grading import _recv

    torch.set_num_threads(1)
    import nbformat

    nb = nbformat.read(source, as_version=4)
    cells, returns = test_cells(nb), return_annotations(nb)
    hits, notes = None, []
    while True:
        conn, _ = srv.accept()
        fd = conn.fileno()
        try:
            kind, payload = _recv(fd, time.monotonic() + 30)
        except Exception:  # noqa: BLE001 - a stray or silent connection
            conn.close()
            continue
        if kind == "hits":  # the guard, before any learner code ran: keep it open
            if hits is None:
                hits = conn
            else:
                notes.append("a second forbidden-call channel was opened from learner code")
                conn.close()
            continue
        if kind == "check":
            try:
                ref = str(json.loads(payload).get("ref", ""))[:200]
            except ValueError:
                ref = ""
            _check(conn, ref, cells, records, nonce, hits, timeout, notes, returns)
        conn.close()


def _check(conn, ref, cells, records, nonce, hits, timeout, notes, returns):
    from llmz.grading import Channel, _recv, _send, run_check

    out = conn.makefile("wb")
    fd = conn.fileno()
    send = (lambda k, p: _send(out, k, p))
    t0 = time.time()
    if ref not in cells:
        verdict = {"ok": False, "message": f"unknown test cell {ref!r}", "stdout": ""}
    elif (records / f"{ref}.json").exists():
        verdict = {"ok": False, "message": "this test cell was already checked in this run; "
                                           "the first verdict stands", "stdout": ""}
        send("done", json.dumps(verdict).encode())
        return
    else:
        names, forbid, opts, body = cells[ref]
        chan = Channel(send, lambda: _recv(fd, time.monotonic() + timeout),
                       hits.fileno() if hits is not None else None)
        if hits is None:
            chan.tamper.append("the kernel's guard never connected (was the kernel replaced?)")
        try:
            verdict = run_check(body, names, forbid, chan, opts.get("allow_mutation", False),
                                returns, opts.get("stateful", False))
        except (OSError, EOFError, TimeoutError) as exc:
            verdict = {"ok": False, "message": f"the check could not finish: {exc}",
                       "stdout": ""}
        verdict["tamper"] = notes + chan.tamper
    if ref in cells:
        _write_record(records, ref, {"nonce": nonce, "ref": ref, "ok": bool(verdict["ok"]),
                                     "message": verdict.get("message", ""),
                                     "tamper": verdict.get("tamper", []),
                                     "seconds": round(time.time() - t0, 3)})
    try:
        send("done", json.dumps({k: verdict.get(k, "") for k in
                                 ("ok", "message", "summary", "stdout")}).encode())
    except OSError:
        pass


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m autograder.checker_service")
    ap.add_argument("--socket", required=True)
    ap.add_argument("--source", type=Path, required=True)
    ap.add_argument("--records", type=Path, required=True)
    ap.add_argument("--nonce", required=True)
    ap.add_argument("--timeout", type=float, default=120.0)
    a = ap.parse_args(argv)
    serve(a.socket, a.source, a.records, a.nonce, a.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
