"""The kernel that runs a learner's notebook during grading.

nbgrader starts it through the ``llmz-grader`` kernelspec (see ``course.py``). Before the IPython
kernel starts, this launcher:

* as root (a grading container, CI): enters a private mount namespace, hides the solutions,
  wrong implementations, tests, git history, the gradebook and the class's other files behind
  empty read-only tmpfs mounts, makes the Python installation reachable, and drops to the
  unprivileged ``nobody`` user. Learner code can then read no hidden test, write nothing of the
  course, the gradebook or other learners, and signal no grader process.
* as an ordinary user: does the same hiding inside a user namespace where the machine allows
  it (the kernel keeps the instructor's uid); otherwise it runs unisolated and says so.

It also caps memory and core dumps, and loads ``llmz.grading`` as an extension so that the
``%%graded`` magic exists even if a learner deleted the cell that imports it.
"""
from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import stat
import sys
import tempfile

CLONE_NEWNS, CLONE_NEWUSER = 0x00020000, 0x10000000
MS_RDONLY, MS_BIND, MS_REC, MS_PRIVATE = 1, 4096, 16384, 1 << 18
NOBODY = 65534
_libc = ctypes.CDLL(None, use_errno=True)


def _mount(src, target, fstype, flags, data=None) -> None:
    enc = (lambda s: s.encode() if isinstance(s, str) else s)
    if _libc.mount(enc(src), enc(target), enc(fstype), flags, enc(data)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {target}: {os.strerror(err)}")


def _hide(path: str) -> None:
    if os.path.isdir(path):
        _mount("tmpfs", path, "tmpfs", MS_RDONLY, "size=16k,mode=0555")
    elif os.path.exists(path):
        _mount("/dev/null", path, None, MS_BIND)


def _blocked_ancestor(path: str) -> str | None:
    """The highest ancestor of ``path`` that 'other' users cannot traverse, if any."""
    parts = os.path.abspath(path).split(os.sep)
    for i in range(2, len(parts) + 1):
        anc = os.sep.join(parts[:i]) or os.sep
        if not os.stat(anc).st_mode & stat.S_IXOTH:
            return anc
    return None


def _expose(paths: list[str]) -> None:
    """Make ``paths`` reachable by ``nobody`` although an ancestor (e.g. /root) is private:
    bind them aside, cover the private ancestor with a 0755 tmpfs, and bind them back."""
    by_anc: dict[str, list[str]] = {}
    for p in paths:
        anc = _blocked_ancestor(p)
        if anc:
            by_anc.setdefault(anc, []).append(os.path.realpath(p))
    if not by_anc:
        return
    stage = tempfile.mkdtemp(prefix="llmz-stage-")
    _mount("tmpfs", stage, "tmpfs", 0, "size=16k,mode=0700")
    for anc, targets in by_anc.items():
        staged = []
        for i, t in enumerate(targets):
            s = os.path.join(stage, str(len(os.listdir(stage))))
            os.mkdir(s)
            _mount(t, s, None, MS_BIND | MS_REC)
            staged.append((s, t))
        _mount("tmpfs", anc, "tmpfs", 0, "size=64k,mode=0755")
        for s, t in staged:
            os.makedirs(t, mode=0o755, exist_ok=True)
            _mount(s, t, None, MS_BIND | MS_REC)


def _isolate(settings: dict, home: str, conn: str) -> str:
    if os.geteuid() == 0:
        if _libc.unshare(CLONE_NEWNS) != 0:
            raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNS) failed")
        _mount(None, "/", None, MS_REC | MS_PRIVATE)
        _expose([sys.base_prefix, sys.prefix, settings["root"]])
        for path in settings.get("hide", []):
            _hide(path)
        private = os.path.join(home, "connection.json")
        shutil.copyfile(conn, private)
        for root, dirs, files in os.walk(home):
            for name in dirs + files:
                os.lchown(os.path.join(root, name), NOBODY, NOBODY)
        os.chown(home, NOBODY, NOBODY)
        os.setgroups([])
        os.setgid(NOBODY)
        os.setuid(NOBODY)
        return private
    uid, gid = os.geteuid(), os.getegid()
    if _libc.unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0:
        raise OSError(ctypes.get_errno(), "user namespaces are not available")
    with open("/proc/self/setgroups", "w") as fh:
        fh.write("deny")
    with open("/proc/self/uid_map", "w") as fh:
        fh.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w") as fh:
        fh.write(f"{gid} {gid} 1")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    for path in settings.get("hide", []):
        _hide(path)
    return conn


def main() -> None:
    argv = sys.argv[1:]
    conn = argv[argv.index("-f") + 1]
    settings = json.loads(os.environ.pop("LLMZ_SANDBOX", "{}"))
    home = settings.get("home") or tempfile.mkdtemp(prefix="llmz-home-")
    try:
        conn = _isolate(settings, home, conn)
    except OSError as exc:
        if settings.get("require_isolation"):
            raise
        print(f"llmz-grader: running WITHOUT isolation ({exc})", file=sys.stderr)
    os.environ.update({"HOME": home, "IPYTHONDIR": os.path.join(home, ".ipython"),
                       "MPLCONFIGDIR": os.path.join(home, ".mpl"), "TMPDIR": home,
                       "MPLBACKEND": "Agg"})
    limit = int(float(settings.get("memory_gib", 8)) * 2**30)
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cpu = int(settings.get("cpu_seconds", 1200))  # a runaway kernel cannot outlive grading
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    os.execv(sys.executable, [sys.executable, "-m", "ipykernel_launcher", "-f", conn,
                              "--ext=llmz.grading", "--HistoryManager.hist_file=:memory:"])


if __name__ == "__main__":
    main()
