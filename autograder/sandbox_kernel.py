"""The launcher of the kernel that runs one learner's notebook during grading.

nbgrader starts it through the ``llmz-grader`` kernelspec written by ``course.py``; it runs as the
grader and ends by exec-ing bubblewrap (``bwrap``, Debian's package), which starts the IPython
kernel (``python -m llmz.guard``) inside a sandbox:

* **its own uid**: the launcher drops from root to the student's own uid (one per student in a
  batch) before bwrap, so no two students, and no grader process, share a uid;
* **namespaces**: user, PID (nothing outlives the kernel: bwrap is PID 1 and dies with its parent),
  network (no interface up, loopback included; the Jupyter channels are unix sockets), IPC, UTS;
* **allow-list file system**: read-only ``/usr`` and the Python installation, the ``llmz``
  package, read-write only this student's working folder and socket folder; a private ``/tmp``,
  ``/dev/shm`` and ``HOME`` (size-capped tmpfs). Nothing else of the course or the machine exists;
* **limits**: a memory and a process-count cgroup for the whole kernel tree where the machine
  offers cgroups, else per-process address space and a per-uid process count; CPU seconds,
  file size, no core dumps.

``isolation()`` says which of these the machine gives; without root or without bwrap the grade
command refuses to grade for credit unless told ``--allow-unisolated`` (then the kernel runs as a
plain subprocess and the CSV says so).
"""
from __future__ import annotations

import ctypes
import json
import os
import resource
import shutil
import stat
import sys
from pathlib import Path

CLONE_NEWNS = 0x00020000
MS_BIND, MS_REC, MS_PRIVATE = 4096, 16384, 1 << 18
CGROUP = Path("/sys/fs/cgroup")
_libc = ctypes.CDLL(None, use_errno=True)


def _mount(src, target, fstype, flags, data=None) -> None:
    enc = (lambda s: s.encode() if isinstance(s, str) else s)
    if _libc.mount(enc(src), enc(target), enc(fstype), flags, enc(data)) != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"mount {target}: {os.strerror(err)}")


def isolation() -> dict:
    """What this machine gives the grading sandbox (the grade command reports it)."""
    bwrap = shutil.which("bwrap")
    root = os.geteuid() == 0
    cg = {c: (CGROUP / c).is_dir() and os.access(CGROUP / c, os.W_OK) for c in ("memory", "pids")}
    full = bool(bwrap and root)
    parts = ["bwrap" if bwrap else "no bwrap", "root: per-student uid" if root else "not root"]
    parts.append("cgroup memory+pids" if all(cg.values()) else "rlimits only")
    return {"full": full, "bwrap": bwrap, "root": root, "cgroups": all(cg.values()),
            "summary": ", ".join(parts)}


def cgroup_paths(job: str) -> list[Path]:
    return [CGROUP / c / "llmz" / job for c in ("memory", "pids")]


def make_cgroups(job: str, memory_bytes: int, pids: int) -> list[Path]:
    made = []
    for path in cgroup_paths(job):
        try:
            path.mkdir(parents=True, exist_ok=True)
            if path.parent.parent.name == "memory":
                (path / "memory.limit_in_bytes").write_text(str(memory_bytes))
                sw = path / "memory.memsw.limit_in_bytes"
                if sw.exists():
                    try:
                        sw.write_text(str(memory_bytes))
                    except OSError:
                        pass
            else:
                (path / "pids.max").write_text(str(pids))
            made.append(path)
        except OSError:
            continue
    return made


def remove_cgroups(job: str, wait: float = 15.0) -> None:
    """Kill whatever is left in the student's cgroups, then remove them. On a loaded machine a
    killed process can take seconds to leave its cgroup, and rmdir fails until it has: keep
    killing and retrying until ``wait`` seconds have passed."""
    import signal
    import time

    for path in cgroup_paths(job):
        deadline = time.monotonic() + wait
        while path.exists():
            try:
                pids = [int(p) for p in (path / "cgroup.procs").read_text().split()]
            except OSError:
                pids = []
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except OSError:
                    pass
            if not pids:
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError:
                    pass
            if time.monotonic() > deadline:
                break
            time.sleep(0.05)


def sweep_stale() -> list[str]:
    """Remove what a grading process killed mid-student left behind: its students' cgroups
    (after killing anything still in them) and the tmpfs mounted on their socket folder, with
    the temporary course around it. A job is ``<grader pid>-llmz-grade-<dir>``; only jobs whose
    grader process is gone are touched, so concurrent grading commands are safe."""
    import re
    import subprocess

    def gone(job: str) -> bool:
        try:
            os.kill(int(job.split("-", 1)[0]), 0)
        except ProcessLookupError:
            return True
        except (ValueError, PermissionError):
            return False
        return False

    jobs = {p.name for c in ("memory", "pids") for p in (CGROUP / c / "llmz").glob("*-llmz-grade-*")
            if p.is_dir()} if (CGROUP / "memory" / "llmz").exists() or \
        (CGROUP / "pids" / "llmz").exists() else set()
    stale = sorted(j for j in jobs if gone(j))
    for job in stale:
        remove_cgroups(job)
    dirs = {job.split("-", 1)[1] for job in stale}
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        mounts = []
    for line in mounts:
        parts = line.split()
        if len(parts) < 3 or parts[2] != "tmpfs":
            continue
        m = re.search(r"^(.*/(llmz-grade-[^/]+))/ipc$", parts[1])
        if m and m.group(2) in dirs:
            subprocess.run(["umount", "-l", parts[1]], capture_output=True)
            shutil.rmtree(m.group(1), ignore_errors=True)
    return stale


def _private_ancestor(path: str) -> bool:
    parts = os.path.abspath(path).split(os.sep)
    for i in range(2, len(parts) + 1):
        anc = os.sep.join(parts[:i]) or os.sep
        try:
            if not os.stat(anc).st_mode & stat.S_IXOTH:
                return True
        except OSError:
            return True
    return False


def _stage(paths: list[str]) -> dict[str, str]:
    """Paths under folders the student's uid cannot traverse (/root, the grader's 0700 temp
    folders) are bind-mounted, in this launcher's private mount namespace, below a 0755 tmpfs,
    so that bwrap, running as the student, can open them. Returns path -> staged path."""
    need = [p for p in paths if _private_ancestor(p)]
    if not need:
        return {}
    if _libc.unshare(CLONE_NEWNS) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNS) failed")
    _mount(None, "/", None, MS_REC | MS_PRIVATE)
    stage = "/mnt"  # only in this namespace
    _mount("tmpfs", stage, "tmpfs", 0, "size=64k,mode=0755")
    out = {}
    for i, p in enumerate(need):
        s = os.path.join(stage, str(i))
        if os.path.isdir(p):
            os.mkdir(s, 0o755)
        else:
            open(s, "w").close()
        _mount(p, s, None, MS_BIND | MS_REC)
        out[p] = s
    return out


def bwrap_argv(s: dict, conn: str, staged: dict[str, str]) -> list[str]:
    """The bubblewrap command line for settings ``s`` (see course.py ``_sandbox_settings``)."""
    src = (lambda p: staged.get(p, p))
    argv = [s["bwrap"], "--unshare-all", "--unshare-user", "--die-with-parent", "--new-session",
            "--uid", "1000", "--gid", "1000", "--hostname", "grader", "--disable-userns",
            "--clearenv", "--ro-bind", "/usr", "/usr"]
    for link in ("bin", "lib", "lib64", "sbin"):
        if os.path.islink(f"/{link}"):
            argv += ["--symlink", os.readlink(f"/{link}"), f"/{link}"]
    for etc in ("/etc/alternatives", "/etc/fonts", "/etc/ld.so.cache", "/etc/localtime",
                "/etc/ssl/certs"):
        if os.path.exists(etc):
            argv += ["--ro-bind", etc, etc]
    argv += ["--size", str(s["tmp_bytes"]), "--tmpfs", "/tmp"]
    for p in s["read_only"]:
        argv += ["--ro-bind", src(p), p]
    for p in s["read_write"]:
        argv += ["--bind", src(p), p]
    # the working folder is a private, size-capped tmpfs: what the notebook writes vanishes
    argv += ["--size", str(s["tmp_bytes"]), "--tmpfs", s["cwd"]]
    argv += ["--dev", "/dev", "--size", str(s["tmp_bytes"]), "--tmpfs", "/dev/shm",
             "--proc", "/proc", "--size", str(s["tmp_bytes"]), "--tmpfs", "/home/learner",
             "--file", "0", "/etc/passwd"]
    env = {"HOME": "/home/learner", "USER": "learner", "TMPDIR": "/tmp", "LANG": "C.UTF-8",
           "PATH": f"{os.path.dirname(s['python'])}:/usr/bin:/bin",
           "IPYTHONDIR": "/home/learner/.ipython", "MPLCONFIGDIR": "/home/learner/.mpl",
           "MPLBACKEND": "Agg", "LLMZ_GRADER_SOCKET": s["socket"],
           "LLMZ_GRADING": json.dumps(_grading(s)),
           **s["env"]}
    for k, v in env.items():
        argv += ["--setenv", k, v]
    argv += ["--chdir", s["cwd"], s["python"], "-m", "llmz.guard", "-f", conn]
    return argv


def _limits(s: dict) -> None:
    def cap(res, value):
        try:
            resource.setrlimit(res, (value, value))
        except (ValueError, OSError):
            pass
    cap(resource.RLIMIT_CORE, 0)
    cap(resource.RLIMIT_CPU, int(s["cpu_seconds"]))
    cap(resource.RLIMIT_FSIZE, int(s["file_bytes"]))
    cap(resource.RLIMIT_AS, max(8 * 2**30, int(s["memory_bytes"])))  # per process; the
    # cgroup caps the whole tree (address space is not memory: torch reserves a lot of it)
    cap(resource.RLIMIT_NPROC, int(s["pids"]))       # per uid: the student's own uid


def _grading(s: dict) -> dict:
    """What the kernel's guard reads (``llmz.guard.main``): the forbid list and its plan
    (``lazy``, ``resolved``, ``preload``: ``autograder.course.forbid_plan``)."""
    return {**s.get("plan", {}), "forbid": s["forbid"]}


def main() -> None:
    argv = sys.argv[1:]
    conn = argv[argv.index("-f") + 1]
    s = json.loads(os.environ.pop("LLMZ_SANDBOX"))
    if not s.get("isolated"):  # --allow-unisolated on a machine without the sandbox
        os.environ.update(s["env"])
        os.environ["LLMZ_GRADER_SOCKET"] = s["socket"]
        os.environ["LLMZ_GRADING"] = json.dumps(_grading(s))
        _limits({**s, "pids": 4096})
        os.execv(s["python"], [s["python"], "-m", "llmz.guard", "-f", conn])
    # the connection file (ipc transport, HMAC key) goes where the kernel can read it
    private = os.path.join(s["ipc"], "connection.json")
    shutil.copyfile(conn, private)
    uid = int(s["uid"])
    for path in [private] + s["read_write"]:
        os.chown(path, uid, uid)
    pid = str(os.getpid())
    for cg in cgroup_paths(s["job"]):
        try:
            (cg / "cgroup.procs").write_text(pid)
        except OSError:
            pass
    staged = _stage(s["read_only"] + s["read_write"])
    cmd = bwrap_argv(s, private, staged)
    _limits(s)
    os.setgroups([])
    os.setgid(uid)
    os.setuid(uid)
    os.execv(cmd[0], cmd)


if __name__ == "__main__":
    main()
