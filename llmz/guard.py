"""The guard of a graded kernel: what runs before the first learner instruction.

``python -m llmz.guard -f CONNECTION`` is the kernel command inside the grading sandbox
(``autograder/sandbox_kernel.py``). It imports what the assignment's forbid lists name, installs
the guard, then starts an ordinary IPython kernel with ``%%graded`` loaded:

* a **profiler** that reports every call of a forbidden function (by code object, C function or
  C method) as a line on a socket to the grader's checker service;
* **wrappers**: forbidden C functions that live in a module namespace are replaced there by a
  Python function of their own, so calls from C (``map``, ``functools.partial``) are seen too;
* an **audit hook**, which Python cannot remove: it refuses ``sys.setprofile``/``sys.settrace``
  (so the profiler stays), walks of the garbage collector (so its tables cannot be found) and
  reads or writes of the guard's own attributes, and reports reloads of library modules and,
  during checks, process, socket and ctypes use (the grader flags those rows for review).

Its tables live in read-only mappings referenced only by default arguments.
"""
from __future__ import annotations

import contextlib
import json
import os
import socket
import struct
import sys
import time

from .grading import _resolve, _targets

# audit events that tamper with the checks or reach outside the kernel; reported to the grader
_REPORTED = ("ctypes.dlopen", "ctypes.dlsym", "ctypes.cdata", "ctypes.addressof",
             "ctypes.string_at", "ctypes.PyObj_FromPtr", "subprocess.Popen", "os.system",
             "os.exec", "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "pty.spawn",
             "socket.connect", "socket.bind", "code.__new__",
             "sys._current_frames", "function.__new__", "os.kill", "signal.pthread_kill")
_BLOCKED = ("sys.setprofile", "sys.settrace", "gc.get_objects", "gc.get_referrers",
            "gc.get_referents", "sys.addaudithook")


def canary() -> None:
    """Forbidden in every graded kernel: the checker calls it before each cell's first check,
    and a guard that does not report it has been tampered with."""


def install(forbid: list[str], hits_fd: int, lazy: dict | None = None,
            resolved: list[str] = ()) -> None:
    """A profiler that reports every call of a forbidden function (by code object, C function or
    C method) as a line on ``hits_fd``, and an audit hook that keeps it installed. Tables live in
    read-only mappings referenced only by default arguments, whose reassignment is audited.

    ``lazy`` (from :func:`llmz.grading.forbid_plan`, computed by the grader) gives the places of
    the names that are all Python code: those are matched by place without being imported here;
    ``resolved`` the other names that resolved to objects in the grader's process."""
    import functools
    import threading
    import types

    lazy = lazy or {}
    eager = [n for n in forbid if n not in lazy]
    if any(_resolve(n) is None for n in eager if n in resolved):
        # one resolves only after an import that a lazy name made in the grader's process (a
        # package registering torch.ops.<name>): import them all, as without a plan
        for n in lazy:
            _resolve(n)
    forbid = eager + ["llmz.guard.canary"]
    cobjs, methods, places = _targets(forbid, with_places=True)
    for name, where in lazy.items():
        for module, line in where:
            places.setdefault(module, {}).setdefault(int(line), name)
    # forbidden C functions that live in a module namespace are replaced there by a Python
    # wrapper of their own: called from C (map, functools.partial) a C function raises no
    # profiler event, a Python function does
    for name in forbid:
        obj = _resolve(name)
        if obj is None or not callable(obj) or isinstance(obj, type) or \
                getattr(obj, "__code__", None) is not None or "." not in name:
            continue
        owner_name, attr = name.rsplit(".", 1)
        owner = _resolve(owner_name)
        is_op = type(owner).__name__ == "_OpNamespace"
        if not (isinstance(owner, types.ModuleType) or is_op) or \
                getattr(owner, attr, None) is not obj:
            continue
        ns = {"_orig": obj, "__name__": f"<forbidden {name}>"}
        exec(compile(f"def {attr}(*args, **kwargs):\n    return _orig(*args, **kwargs)\n",
                     f"<forbidden {name}>", "exec"), ns)
        wrapper = ns[attr]
        if is_op:  # torch.ops.aten.x.default and the other overloads: wrappers too
            for ov in obj.overloads():
                ons = {"_orig": getattr(obj, ov), "__name__": f"<forbidden {name}.{ov}>"}
                exec(compile("def op(*args, **kwargs):\n    return _orig(*args, **kwargs)\n",
                             f"<forbidden {name}.{ov}>", "exec"), ons)
                setattr(wrapper, ov, ons["op"])
                places[ons["__name__"]] = {1: name}
        wrapper.__doc__, wrapper.__qualname__ = getattr(obj, "__doc__", None), attr
        wrapper.__module__ = getattr(obj, "__module__", None) or owner_name
        try:
            setattr(owner, attr, wrapper)
        except (AttributeError, TypeError):
            continue
        places[ns["__name__"]] = {1: name}
    enc = (lambda v: (v + "\n").encode())
    places = types.MappingProxyType({m: types.MappingProxyType(
        {line: enc(v) for line, v in lines.items()}) for m, lines in places.items()})
    cfuncs = {}
    for obj, name in cobjs:
        with contextlib.suppress(TypeError):  # unhashable: the method pairs cover it
            cfuncs[obj] = enc(name)
    cfuncs = types.MappingProxyType(cfuncs)
    methods = types.MappingProxyType({k: enc(v) for k, v in methods.items()})
    keep_alive = [_resolve(n) for n in forbid] + [cobjs]  # the objects stay alive

    def profiler(frame, event, arg, _places=places, _cf=cfuncs, _m=methods, _w=os.write,
                 _fd=hits_fd, _type=type, _mod=types.ModuleType, _ga=getattr,
                 _keep=keep_alive, _partial=functools.partial, _bf=types.BuiltinFunctionType):
        # never id() or frame.f_code here: both are audited, so each costs a hook call
        if event == "call":
            lines = _places.get(frame.f_globals.get("__name__"))
            if lines is None:
                return
            hit = lines.get(frame.f_lineno)
        elif event == "c_call":
            if _type(arg) is _partial:  # partial(f)(...): C calls f
                arg = arg.func
            owner = _ga(arg, "__self__", None)
            if owner is None or _type(owner) is _mod or _type(owner) is type or \
                    _type(arg) is not _bf:
                try:
                    hit = _cf.get(arg)
                except TypeError:
                    hit = None
            else:
                hit = None
            if hit is None and owner is not None and _type(owner) is not _mod:
                name = _ga(arg, "__name__", "")
                for klass in _type(owner).__mro__[:4]:
                    hit = _m.get((klass, name))
                    if hit is not None:
                        break
        else:
            return
        if hit is not None:
            try:
                _w(_fd, hit)
            except OSError:
                pass

    bootstrap = threading.Thread._bootstrap_inner.__code__
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    boot_files = frozenset(f for m in list(sys.modules.values())
                           if (f := getattr(m, "__file__", None)) and f != main_file)

    allowed: list = []  # code objects that may install this same profiler (new threads)
    guarded: list = [profiler]  # the guard's own functions: their attributes are off limits

    def hook(event, args, _blocked=_BLOCKED, _reported=_REPORTED, _w=os.write, _fd=hits_fd,
             _frame=sys._getframe, _boot=bootstrap, _prof=profiler, _th=threading,
             _files=boot_files, _allowed=allowed, _guarded=guarded):
        if event == "object.__getattr__" or event == "object.__setattr__":
            for g in _guarded:
                if args[0] is g:
                    raise RuntimeError("the grading guard cannot be read or changed")
            return
        if event == "builtins.id":
            return
        if event in _blocked:
            if event == "sys.setprofile":
                code = _frame(1).f_code
                if (code is _boot and _th._profile_hook is _prof) or \
                        (_allowed and code is _allowed[0]):
                    return  # a new thread installs the same profiler
            try:
                _w(_fd, f"!blocked {event}\n".encode())
            except OSError:
                pass
            raise RuntimeError(f"{event} is not available while a notebook is graded")
        if event == "exec" and getattr(args[0], "co_filename", "") in _files \
                and args[0].co_name == "<module>":
            try:
                _w(_fd, f"!reload {args[0].co_filename}\n".encode())
            except OSError:
                pass
        elif event.startswith(_reported):
            try:
                _w(_fd, f"!{event}\n".encode())
            except OSError:
                pass

    import _thread

    raw_start = _thread.start_new_thread

    def start_new_thread(function, args, kwargs=None, _start=raw_start, _prof=profiler):
        def run(*a, **k):
            sys.setprofile(_prof)  # allowed: the hook knows this code
            return function(*a, **k)
        return _start(run, args, kwargs or {})

    thread_code = start_new_thread.__code__.co_consts
    run_code = next(c for c in thread_code if getattr(c, "co_name", "") == "run")
    _thread.start_new_thread = start_new_thread
    threading._start_new_thread = start_new_thread
    allowed.append(run_code)
    guarded.append(start_new_thread)

    sys.setprofile(profiler)
    threading.setprofile(profiler)
    sys.addaudithook(hook)


def main() -> None:
    """The sandboxed grading kernel: guard first, then an ordinary IPython kernel."""
    settings = json.loads(os.environ.pop("LLMZ_GRADING", "{}"))
    if "packed" in settings:  # the plan, compressed by the grader (autograder.course._pack)
        import base64
        import zlib

        settings.update(json.loads(zlib.decompress(base64.b64decode(settings.pop("packed")))))
    forbid = settings.get("forbid", [])
    lazy, resolved = settings.get("lazy", {}), settings.get("resolved", [])
    hits_fd = os.open(os.devnull, os.O_WRONLY)
    if os.environ.get("LLMZ_GRADER_SOCKET"):  # the first connection is the guard's channel
        hits = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        for _ in range(600):  # the grader's service starts alongside this kernel
            try:
                hits.connect(os.environ["LLMZ_GRADER_SOCKET"])
                break
            except (FileNotFoundError, ConnectionRefusedError, PermissionError):
                time.sleep(0.05)
        hits.sendall(struct.pack(">II", 4, 0) + b"hits")
        hits_fd = hits.detach()
    # imported before the guard: their start-up (debugpy sets a tracer) is not the learner's
    import ipykernel.ipkernel  # noqa: F401
    with contextlib.suppress(ImportError):
        import debugpy.server.api  # noqa: F401
    import numpy  # noqa: F401
    import torch  # noqa: F401
    from ipykernel.kernelapp import IPKernelApp

    # the import statements of the assignment's own (locked) cells, from the grader: under the
    # profiler an import of transformers takes two to three times as long
    for stmt in settings.get("preload", []):
        with contextlib.suppress(Exception):
            exec(compile(stmt, "<preload>", "exec"), {})

    install(forbid, hits_fd, lazy, resolved)

    IPKernelApp.launch_instance(argv=sys.argv[1:] + [
        "--ext=llmz.grading", "--HistoryManager.hist_file=:memory:",
        "--HistoryManager.enabled=False"])


if __name__ == "__main__":
    main()
