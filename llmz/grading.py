"""The checker behind every exercise test cell: the ``%%graded`` cell magic.

How a graded cell runs
----------------------
``%%graded fn1 fn2 --forbid torch.nn.RNNCell`` sends the cell's body to a **checker process**: a
fresh Python (started with ``-I``, from a clean directory) that never executes learner code. In
that process ``fn1`` and ``fn2`` are proxies: calling one sends the arguments to the notebook
kernel, which runs the learner's function there and sends back plain data (tensors, numbers,
strings, lists, tuples, dicts, sets), decoded with ``torch.load(weights_only=True)``, which cannot
run code. Oracles and comparisons therefore use untouched libraries, whatever the learner's cells
did to ``torch.allclose`` or ``numpy.testing`` in the kernel.

``--forbid`` names library functions the task asks the learner to implement; calling them from the
graded function fails the check. A failing check reports its message only: the cell's hidden
source never appears in the output or in a traceback.

In the cell body these names are predefined: ``expect``, ``expect_equal``, ``expect_close``,
``expect_shape``, ``torch``, ``np``.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import select
import shlex
import struct
import subprocess
import sys
import tempfile
import time
import traceback
import warnings

__all__ = ["GradingError", "expect", "expect_equal", "expect_close", "expect_shape"]

_PYTHON = sys.executable  # captured before any learner code runs
_CALL_TIMEOUT = float(os.environ.get("LLMZ_CHECK_TIMEOUT", "120"))


class GradingError(AssertionError):
    """A graded check failed; the message names the concept that is wrong."""

    def _render_traceback_(self):  # IPython shows just the message, no checker internals
        return [f"GradingError: {self}"]


# --------------------------------------------------------------------------------------------
# Assertions used inside %%graded bodies (they run in the checker process)
# --------------------------------------------------------------------------------------------

def expect(condition, concept: str) -> None:
    """Fail with ``concept`` unless ``condition`` holds."""
    if not condition:
        raise GradingError(concept)


def _short(x, limit=200) -> str:
    r = repr(x)
    return r if len(r) <= limit else r[:limit] + "..."


def expect_equal(actual, expected, concept: str) -> None:
    """Exact equality (ints, strings, lists, dicts...)."""
    if actual != expected:
        raise GradingError(f"{concept}\n  expected: {_short(expected)}\n  got:      {_short(actual)}")


def expect_shape(actual, shape, concept: str) -> None:
    """A tensor (or array) has exactly ``shape``."""
    import torch

    if not isinstance(actual, torch.Tensor):
        raise GradingError(f"{concept}: expected a tensor, got {type(actual).__name__}")
    if tuple(actual.shape) != tuple(shape):
        raise GradingError(f"{concept}: expected shape {tuple(shape)}, got {tuple(actual.shape)}")


def expect_close(actual, expected, concept: str, atol: float = 1e-5, rtol: float = 1e-4) -> None:
    """Numbers or tensors agree within ``atol + rtol*|expected|``; shape first, then values."""
    import torch

    exp = torch.as_tensor(expected).detach().to(torch.float64)
    try:
        act = torch.as_tensor(actual).detach().to(torch.float64)
    except Exception:
        raise GradingError(f"{concept}: expected a number or tensor, got "
                           f"{type(actual).__name__}") from None
    if tuple(act.shape) != tuple(exp.shape):
        raise GradingError(f"{concept}: expected shape {tuple(exp.shape)}, got {tuple(act.shape)}")
    if not torch.isfinite(act).all() and torch.isfinite(exp).all():
        raise GradingError(f"{concept}: the result contains NaN or inf")
    diff = (act - exp).abs()
    bad = diff > atol + rtol * exp.abs()
    if bad.any():
        worst = int(diff.reshape(-1).argmax())
        raise GradingError(
            f"{concept}\n  {int(bad.sum())} of {exp.numel()} values differ; largest difference "
            f"{float(diff.reshape(-1)[worst]):.3g} (expected {float(exp.reshape(-1)[worst]):.6g}, "
            f"got {float(act.reshape(-1)[worst]):.6g})")


# --------------------------------------------------------------------------------------------
# Wire format: length-prefixed frames. Kernel -> checker data goes through torch.save/load with
# weights_only=True; checker -> kernel messages are pickled (the checker is trusted).
# --------------------------------------------------------------------------------------------

def _send(fh, kind: str, payload: bytes = b"") -> None:
    head = kind.encode()
    fh.write(struct.pack(">II", len(head), len(payload)) + head + payload)
    fh.flush()


def _recv_exact(fd: int, n: int, deadline: float | None) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError("the checker did not answer in time")
        chunk = os.read(fd, n - len(buf))
        if not chunk:
            raise EOFError("the checker process ended unexpectedly")
        buf += chunk
    return bytes(buf)


def _recv(fd: int, deadline: float | None = None) -> tuple[str, bytes]:
    nh, np_ = struct.unpack(">II", _recv_exact(fd, 8, deadline))
    head = _recv_exact(fd, nh, deadline).decode()
    return head, _recv_exact(fd, np_, deadline)


def _to_safe(obj, depth=0):
    """Learner results -> types that torch.load(weights_only=True) accepts."""
    import numpy as np
    import torch

    if depth > 50:
        raise TypeError("the result is nested too deeply")
    if obj is None or isinstance(obj, (bool, int, float, str, bytes)):
        return obj
    if isinstance(obj, torch.Tensor):
        return obj.detach().cpu().clone()
    if isinstance(obj, np.ndarray):
        return torch.from_numpy(np.ascontiguousarray(obj)).clone()
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, dict):
        return {_to_safe(k, depth + 1): _to_safe(v, depth + 1) for k, v in obj.items()}
    if isinstance(obj, (set, frozenset)):
        return {"__llmz_set__": [_to_safe(v, depth + 1) for v in obj]}
    if isinstance(obj, tuple):
        return tuple(_to_safe(v, depth + 1) for v in obj)
    if isinstance(obj, list):
        return [_to_safe(v, depth + 1) for v in obj]
    raise TypeError(f"the function returned a {type(obj).__name__}, which the checker cannot "
                    "compare: return tensors, numbers, strings, lists, tuples, sets or dicts")


def _from_safe(obj):
    if isinstance(obj, dict):
        if set(obj) == {"__llmz_set__"}:
            return set(_from_safe(v) for v in obj["__llmz_set__"])
        return {_from_safe(k): _from_safe(v) for k, v in obj.items()}
    if isinstance(obj, tuple):
        return tuple(_from_safe(v) for v in obj)
    if isinstance(obj, list):
        return [_from_safe(v) for v in obj]
    return obj


# --------------------------------------------------------------------------------------------
# Kernel side
# --------------------------------------------------------------------------------------------

class _Forbidden:
    """Detects calls to forbidden library functions during one learner call (sys.setprofile).

    Python functions are matched by code object (decorators unwrapped, so a shared wrapper does
    not flag its siblings); C functions by identity, and C methods, which arrive as a fresh bound
    method on every call, by the descriptor on their class. Calls made from inside C code (e.g.
    ``map(tok.encode, texts)``) are not seen: visible and hidden tests still check the results.
    """

    def __init__(self, dotted: list[str]):
        import importlib
        import inspect

        self.names = {}
        for name in dotted:
            obj, parts = None, name.split(".")
            for i in range(len(parts), 0, -1):  # import the longest importable prefix
                try:
                    obj = importlib.import_module(".".join(parts[:i]))
                except ImportError:
                    continue
                for p in parts[i:]:
                    obj = getattr(obj, p)
                break
            if obj is None:
                continue
            targets = [v for v in vars(obj).values() if callable(v)] \
                if isinstance(obj, type) else [obj]
            for t in targets:
                t = inspect.unwrap(t) if callable(t) else t
                code = getattr(t, "__code__", None)
                self.names[id(code) if code is not None else id(t)] = name
        self.hit = None

    def _c_name(self, fn):
        hit = self.names.get(id(fn))
        owner = getattr(fn, "__self__", None)
        if hit is None and owner is not None and not isinstance(owner, type(os)):
            for klass in type(owner).__mro__:
                desc = vars(klass).get(getattr(fn, "__name__", ""))
                if desc is not None:
                    return self.names.get(id(desc))
        return hit

    def __call__(self, frame, event, arg):
        if self.hit is not None:
            return
        if event == "c_call":
            self.hit = self._c_name(arg)
        elif event == "call":
            self.hit = self.names.get(id(frame.f_code))


class _Checker:
    """The kernel's handle on its checker process (started once, reused by every cell)."""

    def __init__(self):
        self.proc = None

    def start(self):
        if self.proc is not None and self.proc.poll() is None:
            return
        workdir = tempfile.mkdtemp(prefix="llmz-checker-")
        env = {k: v for k, v in os.environ.items()
               if k in ("PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "OMP_NUM_THREADS",
                        "MKL_NUM_THREADS", "HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE",
                        "HF_DATASETS_OFFLINE", "TOKENIZERS_PARALLELISM", "OMP_WAIT_POLICY")}
        env["PYTHONHASHSEED"] = "0"
        # checks run small oracles while the kernel waits: one thread, never spinning, so the
        # two processes do not fight over the cores
        env.setdefault("OMP_NUM_THREADS", "1")
        env.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        self.proc = subprocess.Popen(
            [_PYTHON, "-I", "-c", "import llmz.grading as g; g._checker_main()"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            cwd=workdir, env=env)

    def stop(self):
        if self.proc is not None:
            try:
                self.proc.kill()
                self.proc.wait(timeout=5)
            except Exception:
                pass
        self.proc = None

    def run(self, body: str, names: list[str], forbid: list[str], user_ns: dict):
        self.start()
        proc = self.proc
        _send(proc.stdin, "run", json.dumps({"body": body, "names": names}).encode())
        forbidden = _Forbidden(forbid) if forbid else None
        fd = proc.stdout.fileno()
        while True:
            kind, payload = _recv(fd, time.monotonic() + _CALL_TIMEOUT)
            if kind == "call":
                name, args, kwargs = pickle.loads(payload)
                _send(proc.stdin, *self._call(name, args, kwargs, user_ns, forbidden))
            elif kind == "done":
                return pickle.loads(payload)
            else:
                raise RuntimeError(f"unexpected message from the checker: {kind}")

    @staticmethod
    def _call(name, args, kwargs, user_ns, forbidden):
        import torch

        fn = user_ns.get(name)
        if fn is None or not callable(fn):
            return "raised", json.dumps({
                "type": "NameError",
                "text": f"`{name}` is not defined in the notebook: run its cell first, and keep "
                        "the function's name and signature as given"}).encode()
        try:
            # nbgrader fails a test cell that writes to stderr: a library warning or a debug
            # print in learner code must not cost points, so both go to stdout as notes.
            with warnings.catch_warnings(record=True) as caught, \
                    contextlib.redirect_stderr(sys.stdout):
                warnings.simplefilter("always")
                if forbidden is not None:
                    forbidden.hit = None
                    old = sys.getprofile()
                    sys.setprofile(forbidden)
                    try:
                        result = fn(*args, **kwargs)
                    finally:
                        sys.setprofile(old)
                else:
                    result = fn(*args, **kwargs)
            for w in {(w.category.__name__, str(w.message)) for w in caught}:
                print(f"note: `{name}` raised a warning ({w[0]}: {w[1]})")
            if forbidden is not None and forbidden.hit:
                return "raised", json.dumps({
                    "type": "ForbiddenCall",
                    "text": f"`{name}` calls {forbidden.hit}, which this task asks you to "
                            "implement yourself"}).encode()
            buf = io.BytesIO()
            torch.save(_to_safe(result), buf)
            return "ret", buf.getvalue()
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # the learner's error, with the learner's traceback
            tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
            text = "".join(tb[-6:])
            return "raised", json.dumps({"type": type(exc).__name__, "text": text}).encode()


_CHECKER = _Checker()


def _parse_line(line: str) -> tuple[list[str], list[str]]:
    words = shlex.split(line)
    names, forbid = [], []
    i = 0
    while i < len(words):
        if words[i] == "--forbid":
            forbid += [w for w in words[i + 1].split(",") if w]
            i += 2
        else:
            names.append(words[i])
            i += 1
    return names, forbid


def graded(line: str, cell: str) -> None:
    """The ``%%graded`` cell magic (see the module docstring)."""
    __tracebackhide__ = True
    from IPython import get_ipython

    names, forbid = _parse_line(line)
    ip = get_ipython()
    try:
        verdict = _CHECKER.run(cell, names, forbid, ip.user_ns)
    except KeyboardInterrupt:
        _CHECKER.stop()
        raise GradingError("the check was interrupted before it finished: it ran past the time "
                           "limit (does a function loop forever?) or you stopped it") from None
    except (TimeoutError, EOFError) as exc:
        _CHECKER.stop()
        raise GradingError(f"the check could not finish: {exc}") from None
    if verdict.get("stdout"):
        print(verdict["stdout"], end="")
    if not verdict["ok"]:
        raise GradingError(verdict["message"]) from None
    print(verdict.get("summary", "ok"))


def load_ipython_extension(ip) -> None:
    ip.register_magic_function(graded, magic_kind="cell", magic_name="graded")


try:  # importing this module in a notebook registers %%graded
    from IPython import get_ipython as _gi

    if _gi() is not None:
        load_ipython_extension(_gi())
except ImportError:  # pragma: no cover
    pass


# --------------------------------------------------------------------------------------------
# Checker side (a fresh interpreter; never runs learner code)
# --------------------------------------------------------------------------------------------

class _StudentRaised(Exception):
    pass


def _checker_main() -> None:
    import contextlib

    import numpy as np
    import torch

    chan_in = os.fdopen(os.dup(0), "rb", buffering=0)
    chan_out = os.fdopen(os.dup(1), "wb")
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 0)
    os.dup2(2, 1)  # stray C-level prints must not corrupt the channel
    fd_in = chan_in.fileno()

    def proxy(name):
        def call(*args, **kwargs):
            _send(chan_out, "call", pickle.dumps((name, args, kwargs)))
            kind, payload = _recv(fd_in)
            if kind == "ret":
                return _from_safe(torch.load(io.BytesIO(payload), weights_only=True))
            info = json.loads(payload)
            lines = info["text"].strip().splitlines() or [""]
            last = lines[-1].removeprefix(f"{info['type']}:").strip()
            detail = "\n".join(lines[:-1]).rstrip()
            raise _StudentRaised(f"`{name}` raised {info['type']}: {last}"
                                 + (f"\n{detail}" if detail else ""))
        call.__name__ = name
        return call

    while True:
        try:
            kind, payload = _recv(fd_in)
        except EOFError:
            return
        req = json.loads(payload)
        ns = {"__name__": "__graded__", "torch": torch, "np": np, "expect": expect,
              "expect_equal": expect_equal, "expect_close": expect_close,
              "expect_shape": expect_shape, "GradingError": GradingError}
        ns.update({n: proxy(n) for n in req["names"]})
        out = io.StringIO()
        verdict = {"ok": True, "message": "", "summary": "ok: all checks in this cell passed"}
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(req["body"], "<graded cell>", "exec"), ns)
        except GradingError as exc:
            verdict = {"ok": False, "message": str(exc)}
        except _StudentRaised as exc:
            verdict = {"ok": False, "message": str(exc)}
        except Exception as exc:  # noqa: BLE001 - report the kind, never the hidden source
            verdict = {"ok": False, "message": f"the check could not use your result "
                                               f"({type(exc).__name__}: {exc})"}
        verdict["stdout"] = out.getvalue()
        _send(chan_out, "done", pickle.dumps(verdict))
