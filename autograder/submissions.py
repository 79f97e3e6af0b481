"""Intake of a class's submissions: a folder or an LMS zip in, one ``Submission`` per learner out.

Nothing in the input is trusted. The archive is listed first (names, declared sizes, file types)
and each entry is judged before a byte of it is read; only the notebook chosen for each learner
is then copied out, under a name we make, with the size caps enforced again while streaming
(a zip can lie about sizes). A bad entry never stops the batch: it becomes its learner's row,
with a status and a one-line reason. The originals are never written to.

Layouts: ``<student>/<any>.ipynb`` folders (Moodle: ``Alice Smith_1234_assignsubmission_file_/``),
Canvas flat files ``name[_LATE]_<user id>_<submission id>_<file>``, plain ``<student>.ipynb``,
any of them under one wrapping folder (``submissions/...``).

    subs = collect(Path("class.zip"), "01_rnn", Path(tmp))
    for s in subs:   # s.status == "ok" -> grade s.path; else write s.message in the row
"""
from __future__ import annotations

import json
import os
import re
import stat
import tempfile
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import nbformat

MB = 2**20
STATUSES = ("ok", "invalid", "duplicate", "not-a-notebook", "wrong-assignment", "too-large",
            "unreadable")
JUNK_DIRS = {"__MACOSX", ".ipynb_checkpoints", "__pycache__", ".git"}
JUNK_FILES = {".DS_Store", "Thumbs.db", "desktop.ini"}
_CANVAS = re.compile(r"^(?P<name>[^_/]+?)(?P<late>_LATE)?_(?P<uid>\d+)_(?P<sub>\d+)_(?P<file>.+)$")
_MOODLE = re.compile(r"^(?P<name>.+?)_(?P<uid>\d+)_assignsubmission_[A-Za-z]*_?$")
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(10)),
                     *(f"LPT{i}" for i in range(10))}
_BIDI = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


@dataclass
class Submission:
    student: str            # unique, filesystem-safe id: the feedback folder and the CSV row
    display: str            # the learner's name as the LMS wrote it (NFC)
    path: Path | None       # our extracted copy of the notebook to grade, or None
    status: str             # "ok" or one of STATUSES
    message: str            # one-line reason when status != "ok", or notes on the choice
    lms_id: str | None = None
    source: str = ""        # the entry name in the zip / path in the folder


# ---------------------------------------------------------------------------------- names

def safe_id(text: str, max_len: int = 100) -> str:
    """A filesystem-safe id that keeps letters of every script (``José Ñ`` -> ``José_Ñ``).
    Anything but letters, marks, digits and ``-._`` becomes ``_``; never starts with ``-`` or
    ``.``; at most ``max_len`` characters and 200 UTF-8 bytes; never a Windows device name."""
    text = unicodedata.normalize("NFC", text)
    out = "".join(ch if unicodedata.category(ch)[0] in "LMN" or ch in "-._" else "_"
                  for ch in text)
    out = _cap(re.sub(r"_+", "_", out).strip("._-"), max_len)
    if out.split(".")[0].upper() in _WINDOWS_RESERVED:
        out += "_"
    return out or "unknown"


def _cap(s: str, max_len: int) -> str:
    s = s[:max_len]
    while len(s.encode("utf-8", "replace")) > 200:
        s = s[:-1]
    return s.rstrip("._-")


def _text(s: str) -> str:
    """A name as text: NFC, undecodable bytes as U+FFFD, no control or bidi-override chars."""
    return unicodedata.normalize("NFC", _clean(s))


def _clean(s: str) -> str:
    """The same without NFC: names in an archive that differ only in normalisation (José typed
    two ways) stay two names, so two folders stay two learners."""
    s = s.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return "".join(ch for ch in s if unicodedata.category(ch) != "Cc").translate(_BIDI)


def _show(name: str, n: int = 80) -> str:
    """A name for a message: one line, at most ``n`` characters."""
    name = _text(name)
    return name if len(name) <= n else name[: n - 1] + "…"


def _key(s: str) -> str:  # ids that a case-insensitive file system would mix up are the same id
    return unicodedata.normalize("NFC", s).casefold()


# ---------------------------------------------------------------------------------- reading

def read_notebook(path: Path, max_bytes: int = 20 * MB):
    """Read a submission defensively: ``(notebook, None)`` or ``(None, reason)``; never raises.
    The size is checked before reading; the grader, not the submission, picks the kernel."""
    nb, problem = _read(Path(path), max_bytes)
    return nb, problem and problem[1]


def _read(path: Path, max_bytes: int):
    too_large = ("too-large", f"the notebook is larger than {max_bytes / MB:g} MB")
    try:
        st = os.stat(path)
        if not stat.S_ISREG(st.st_mode):
            return None, ("invalid", "the submission is not a regular file")
        if st.st_size > max_bytes:
            return None, too_large
        with open(path, "rb") as fh:
            raw = fh.read(max_bytes + 1)
        if len(raw) > max_bytes:  # it grew since the stat
            return None, too_large
        nb = nbformat.reads(raw.decode("utf-8-sig"), as_version=4)
        nbformat.validate(nb)
    except UnicodeDecodeError:
        return None, ("invalid", "the file is not UTF-8 text, so not a notebook")
    except OSError as exc:
        return None, ("unreadable", f"the file could not be read ({exc.strerror or exc})")
    except Exception as exc:  # nbformat raises several kinds; RecursionError for deep JSON
        cause = exc.__cause__ if isinstance(exc.__cause__, json.JSONDecodeError) else exc
        kind = ": not valid JSON" if isinstance(cause, json.JSONDecodeError) else ""
        first = (str(cause).splitlines() or [type(cause).__name__])[0][:200]
        return None, ("invalid", f"the file is not a valid notebook{kind} ({first})")
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    return nb, None


# ---------------------------------------------------------------------------------- listing

@dataclass
class _Entry:
    parts: tuple[str, ...]      # the path inside the archive, without "", "." and ".."
    source: str                 # the name as the archive/folder has it, for messages
    size: int = 0
    mtime: float = 0.0
    is_dir: bool = False
    problem: tuple[str, str] | None = None   # (status, reason) when the entry is rejected
    ref: object = None          # ZipInfo, or the real Path in a folder
    crc: int | None = None


def _judge_name(raw: str) -> tuple[tuple[str, ...], tuple[str, str] | None]:
    """Split an archive name into safe parts, and say what is wrong with it, if anything."""
    pieces = raw.replace("\\", "/").split("/")
    parts = tuple(_clean(p) for p in pieces if p not in ("", ".", ".."))
    if raw.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", raw):
        return parts, ("invalid", f"{_show(raw)} has an absolute path")
    if ".." in pieces:
        return parts, ("invalid", f"{_show(raw)} climbs out of its folder ('..')")
    if any(len(os.fsencode(p)) > 255 for p in pieces):
        return parts, ("invalid", f"{_show(raw)}: a name in the path is longer than 255 bytes")
    return parts, None


def _junk(parts: tuple[str, ...]) -> bool:
    return any(p in JUNK_DIRS for p in parts) or bool(parts) and (
        parts[-1] in JUNK_FILES or parts[-1].startswith("._"))


def _zip_entries(zf: zipfile.ZipFile, max_entries: int) -> list[_Entry]:
    """Judge every zip entry from the central directory alone (nothing is decompressed)."""
    infos = zf.infolist()
    if len(infos) > max_entries:
        raise SystemExit(f"grade: the zip has {len(infos)} entries, more than the limit of "
                         f"{max_entries}; is it really a class's submissions?")
    out = []
    for info in infos:
        name = info.filename
        if not info.flag_bits & 0x800:  # many tools write UTF-8 without saying so
            try:
                name = name.encode("cp437").decode("utf-8")
            except UnicodeError:
                pass
        parts, problem = _judge_name(name)
        kind = stat.S_IFMT(info.external_attr >> 16)
        is_dir = name.endswith(("/", "\\")) or kind == stat.S_IFDIR
        if problem is None and kind == stat.S_IFLNK:
            problem = ("invalid", f"{_show(name)} is a symbolic link, which is not followed")
        elif problem is None and kind not in (0, stat.S_IFREG, stat.S_IFDIR):
            problem = ("invalid", f"{_show(name)} is not a regular file")
        elif problem is None and info.flag_bits & 0x1 and not is_dir:
            problem = ("unreadable", f"{_show(name)} is password-protected in the zip")
        try:
            mtime = datetime(*info.date_time).timestamp()
        except (ValueError, OverflowError):
            mtime = 0.0
        out.append(_Entry(parts, name, info.file_size, mtime, is_dir, problem, info, info.CRC))
    return out


def _folder_entries(root: Path, max_entries: int) -> list[_Entry]:
    """Walk a folder without following links; links and special files become rejected entries."""
    out, stack, seen = [], [((), root)], 0
    while stack:
        rel, where = stack.pop()
        try:
            with os.scandir(where) as it:
                items = sorted(it, key=lambda d: d.name)
        except OSError as exc:
            out.append(_Entry(rel, "/".join(rel), is_dir=True, problem=(
                "unreadable", f"the folder {_show('/'.join(rel))} could not be read "
                              f"({exc.strerror})")))
            continue
        if rel and not items:
            out.append(_Entry(rel, "/".join(rel), is_dir=True))
        for d in items:
            seen += 1
            if seen > max_entries:
                raise SystemExit(f"grade: {root} holds more than {max_entries} files and "
                                 "folders; is it really a class's submissions?")
            parts = rel + (_clean(d.name),)
            source = "/".join(parts)
            if _junk(parts):
                continue
            problem = None
            try:
                st = d.stat(follow_symlinks=False)
            except OSError as exc:
                out.append(_Entry(parts, source, problem=(
                    "unreadable", f"{_show(source)} could not be read ({exc.strerror})")))
                continue
            if stat.S_ISLNK(st.st_mode):
                problem = ("invalid", f"{_show(source)} is a symbolic link, which is not followed")
            elif stat.S_ISDIR(st.st_mode):
                stack.append((parts, Path(d.path)))
                continue
            elif not stat.S_ISREG(st.st_mode):
                problem = ("invalid", f"{_show(source)} is not a regular file")
            out.append(_Entry(parts, source, st.st_size, st.st_mtime, False, problem,
                              Path(d.path)))
    return out


def _mark_shadowed(entries: list[_Entry]) -> None:
    """An entry stored under a name that is also a file (or a link) in the archive is rejected:
    extracting it would write through that file or link."""
    files = {e.parts: e for e in entries if not e.is_dir}
    for e in entries:
        if e.problem is None:
            above = next((e.parts[:i] for i in range(1, len(e.parts)) if e.parts[:i] in files),
                         None)
            if above is not None:
                why = (files[above].problem or ("", ""))[1]
                what = "a symbolic link" if "symbolic link" in why else "a file"
                e.problem = ("invalid", f"{_show(e.source)} is stored under "
                                        f"{_show('/'.join(above))}, which is also {what}")


def _assignmentish(name: str, names: list[str]) -> bool:
    stem = _norm(Path(name).stem)
    return any(stem.startswith(_norm(a)) for a in names) or "untitled" in stem or "copy" in stem


def _norm(s: str) -> str:
    return re.sub(r"[\s\-]+", "_", s.lower())


def _strip_top(entries: list[_Entry], names: list[str]) -> list[_Entry]:
    """Unwrap ``submissions/...`` when everything lies in one folder that is a class, not a
    learner: it holds learner folders (and no notebook of its own), Canvas-named files, or
    several notebooks none of which is named like an assignment."""
    for _ in range(4):
        good = [e for e in entries if e.problem is None and e.parts]
        tops = {e.parts[0] for e in good}
        if len(tops) != 1:
            return entries
        top = tops.pop()
        inside = [e for e in good if len(e.parts) > 1]
        files = [e.parts[1] for e in inside if len(e.parts) == 2 and not e.is_dir]
        dirs = [e for e in inside if len(e.parts) > 2 or e.is_dir]
        nbs = [f for f in files if f.lower().endswith(".ipynb")]
        container = not _MOODLE.match(top) and (
            bool(dirs) and not nbs or any(_CANVAS.match(f) for f in files)
            or len(nbs) >= 2 and not any(_assignmentish(f, names) for f in nbs))
        if not inside or not container:
            return entries
        entries = [replace(e, parts=e.parts[1:]) if e.parts[:1] == (top,) else e
                   for e in entries if e.parts != (top,)]
    return entries


# ---------------------------------------------------------------------------------- grouping

@dataclass
class _Group:
    display: str
    lms_id: str | None
    base: str                   # the wanted id, before cleaning and disambiguation
    source: str
    late: bool = False
    files: list[tuple[str, _Entry]] = field(default_factory=list)  # (name inside, entry)


def _group(entries: list[_Entry]) -> list[_Group]:
    """One group per learner: a top folder, a Canvas (name, user id), or a plain file stem."""
    groups: dict[tuple, _Group] = {}
    for e in entries:
        if not e.parts:
            continue
        head = e.parts[0]
        moodle, canvas = _MOODLE.match(head), _CANVAS.match(head)
        if len(e.parts) > 1 or e.is_dir:       # a learner's folder
            # Moodle: one learner's file_ and onlinetext_ folders are one submission
            key = ("moodle", moodle["name"], moodle["uid"]) if moodle else ("name", head)
            inner = "/".join(e.parts[1:])
            raw = [p for p in e.source.replace("\\", "/").split("/") if p not in ("", ".", "..")]
            where = "/".join(raw[: len(raw) - len(e.parts) + 1])  # the folder, as archived
            new = _Group(moodle["name"], moodle["uid"], f"{moodle['name']}_{moodle['uid']}",
                         where) if moodle else _Group(head, None, head, where)
        elif canvas:                           # name[_LATE]_<user id>_<submission id>_<file>
            key, inner = ("canvas", canvas["name"], canvas["uid"]), canvas["file"]
            new = _Group(canvas["name"], canvas["uid"], canvas["name"], e.source,
                         bool(canvas["late"]))
        else:                                  # <student>.ipynb
            stem = head.rsplit(".", 1)[0] if "." in head[1:] else head
            key, inner = ("name", stem), head
            new = _Group(stem, None, stem, e.source)
        g = groups.setdefault(key, new)
        if inner and (e.problem or not e.is_dir):
            g.files.append((inner, e))
    return sorted(groups.values(), key=lambda g: (_key(safe_id(g.base)), g.source))


def _assign_ids(groups: list[_Group], max_len: int = 100) -> list[str]:
    """Unique ids (case-insensitively): clashes after cleaning get the LMS id, else ``_2``, ..."""
    bases = [safe_id(g.base, max_len) for g in groups]
    clash = Counter(_key(b) for b in bases)
    ids, taken = [], set()
    for g, b in zip(groups, bases):
        if clash[_key(b)] > 1 and g.lms_id and not b.endswith(f"_{g.lms_id}"):
            b = f"{_cap(b, max_len - len(g.lms_id[:20]) - 1)}_{g.lms_id[:20]}"
        cand, n = b, 2
        while _key(cand) in taken:
            cand, n = f"{_cap(b, max_len - len(str(n)) - 1)}_{n}", n + 1
        taken.add(_key(cand))
        ids.append(cand)
    return ids


# ---------------------------------------------------------------------------------- choosing

def _known(known) -> dict[str, set]:
    """Assignment name -> the nbgrader grade ids of its released notebook (an empty set when
    unknown). ``known``: a mapping as that, names (ids read from the course), or None (the
    course's assignments)."""
    if isinstance(known, dict):
        return {a: set(v) for a, v in known.items()}
    try:
        from autograder import course  # lazily: course.py imports this module

        names = course.assignments() if known is None else list(known)
        out = {}
        for a in names:
            nb, _ = read_notebook(course.EXERCISES / a / f"{a}.ipynb")
            out[a] = _grade_ids(nb) if nb else set()
        return out
    except Exception:  # no course here: names only
        return {a: set() for a in (known or [])}


def _grade_ids(nb) -> set:
    """The nbgrader grade ids in a notebook (a learner can write anything in metadata)."""
    ids = set()
    for cell in nb.cells:
        meta = (cell.get("metadata") or {}).get("nbgrader")
        if isinstance(meta, dict) and isinstance(meta.get("grade_id"), str):
            ids.add(meta["grade_id"])
    return ids


def _other_assignment(name: str, assignment: str, known: dict) -> str | None:
    stem = _norm(Path(name).stem)
    if stem.startswith(_norm(assignment)):
        return None
    hits = [a for a in known if a != assignment and stem.startswith(_norm(a))]
    return max(hits, key=len) if hits else None


def _copy_out(e: _Entry, zf: zipfile.ZipFile | None, dest: Path, cap: int):
    """Stream one entry to ``dest``, stopping at ``cap`` bytes whatever the archive claims.
    Returns (bytes written, None) or (0, (status, reason))."""
    written = 0
    try:
        if zf is not None:
            src = zf.open(e.ref)
        else:  # O_NOFOLLOW: a file swapped for a link since the walk is refused
            fd = os.open(e.ref, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                         | getattr(os, "O_NONBLOCK", 0))
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                os.close(fd)
                return 0, ("invalid", f"{_show(e.source)} is not a regular file")
            src = os.fdopen(fd, "rb")
        with src, open(dest, "wb") as dst:
            while chunk := src.read(MB):
                written += len(chunk)
                if written > cap:
                    raise OverflowError
                dst.write(chunk)
        return written, None
    except OverflowError:
        dest.unlink(missing_ok=True)
        return 0, ("too-large", f"the notebook is larger than {cap / MB:g} MB once unpacked")
    except Exception as exc:  # BadZipFile, zlib.error, NotImplementedError, OSError, ...
        dest.unlink(missing_ok=True)
        why = (getattr(exc, "strerror", None) or str(exc) or type(exc).__name__)[:120]
        if "CRC" in why:  # zipfile stops at the declared size: a bomb that lies ends up here
            why += "; the zip is damaged or lies about the file's size"
        return 0, ("unreadable", f"{_show(e.source)} could not be unpacked ({why})")


def _pick(g: _Group, sid: str, assignment: str, known: dict, unpack) -> Submission:
    """Choose, unpack and check the one notebook to grade for a learner."""
    def row(status, message, path=None, source=None):
        if g.late:
            message = "; ".join(m for m in (message, "marked LATE by the LMS") if m)
        return Submission(sid, _text(g.display).strip()[:200], path, status, message[:1000],
                          g.lms_id, source or g.source)

    rejected = [(inner, e) for inner, e in g.files if e.problem]
    plain = [(inner, e) for inner, e in g.files if not e.problem and not e.is_dir]
    nbs = [(i, e) for i, e in plain if i.lower().endswith(".ipynb")]
    others = [_show(i, 40) for i, e in plain if not i.lower().endswith(".ipynb")]
    notes = []
    by_name: dict[str, list] = {}
    for inner, e in nbs:
        by_name.setdefault("/".join(e.parts), []).append((inner, e))
    nbs = []
    for name, same in by_name.items():
        if len({(e.size, e.crc) for _, e in same}) > 1:
            return row("duplicate", f"the zip holds {len(same)} different files named "
                                    f"{_show(name)}; not graded: which one counts is unclear",
                       source=name)
        if len(same) > 1:
            notes.append(f"{_show(name)} is in the zip {len(same)} times (identical copies)")
        nbs.append(same[0])
    if not nbs:
        if rejected:
            status, why = rejected[0][1].problem
            return row(status, "; ".join([why] + [e.problem[1] for _, e in rejected[1:3]]),
                       source=rejected[0][1].source)
        found = f"; found {', '.join(others[:5])}" if others else ""
        return row("not-a-notebook", "no notebook (.ipynb) in the submission" + found)

    exact = [x for x in nbs if Path(x[0]).name == f"{assignment}.ipynb"]
    named_other = [x for x in nbs if x not in exact and _other_assignment(x[0], assignment, known)]
    rest = [x for x in nbs if x not in exact and x not in named_other]
    # preference: the exact name, then the rest newest first; another assignment's never
    newest = lambda x: (-x[1].mtime, x[0])
    order = sorted(exact, key=newest) + sorted(rest, key=newest) + named_other
    failed = []
    for inner, e in order:
        path, other = None, _other_assignment(inner, assignment, known)
        if other:
            problem = ("wrong-assignment", f"{_show(inner)} is the notebook of {other}, "
                                           f"not {assignment}")
        else:
            path, got = unpack(e, sid)
            problem = got if path is None else _wrong_metadata(got, inner, assignment, known)
        if problem is None:
            if len(nbs) > 1:
                how = "exact name" if (inner, e) in exact else \
                    "the only one for this assignment" if len(rest) == 1 and not exact else \
                    "most recently modified"
                notes.insert(0, f"{len(nbs)} notebooks; graded {_show(inner)} ({how})")
            notes[1:1] = [f"{_show(i)}: {p[1]}; graded {_show(inner)} instead" for i, p in failed]
            notes += [f"also rejected: {e2.problem[1]}" for _, e2 in rejected[:3]]
            return row("ok", "; ".join(notes), path, e.source)
        if path is not None:
            path.unlink(missing_ok=True)
        failed.append((inner, problem))
    (inner, (status, why)), more = failed[0], failed[1:]
    msg = "; ".join([why] + [f"{_show(i)}: {p[1]}" for i, p in more[:3]]
                    + [e2.problem[1] for _, e2 in rejected[:2]])
    return row(status, msg, source=next(e.source for i, e in order if i == inner))


def _wrong_metadata(nb, inner: str, assignment: str, known: dict):
    """A notebook that holds none of this assignment's own nbgrader cells and some of another's
    belongs to that one (ids two assignments share, like ``imports``, prove nothing)."""
    ids = _grade_ids(nb)
    shared = {i for a, v in known.items() for b, w in known.items() if a < b for i in v & w}
    own = {a: set(v) - shared for a, v in known.items()}
    if not ids or not own.get(assignment) or ids & own[assignment]:
        return None
    hits, other = max(((len(ids & v), a) for a, v in own.items() if a != assignment),
                      default=(0, None))
    if not hits:
        return None
    return ("wrong-assignment", f"{_show(inner)} holds the tasks of {other}, not {assignment}")


# ---------------------------------------------------------------------------------- collect

def collect(path: Path, assignment: str, tmp: Path, *, max_total_bytes: int = 2 * 2**30,
            max_file_bytes: int = 20 * MB, max_entries: int = 20000,
            known_assignments=None) -> list[Submission]:
    """Every learner in the folder or zip ``path`` -> exactly one ``Submission``, sorted by id.

    ``known_assignments``: the course's assignments (names, or name -> nbgrader grade ids) to
    spot a notebook of another assignment; default: the course's own (``course.assignments()``).
    Raises SystemExit only when ``path`` is neither a folder nor a readable zip, or holds more
    than ``max_entries`` entries."""
    path, tmp = Path(path), Path(tmp)
    known = _known(known_assignments)
    known.setdefault(assignment, set())
    zf = None
    if path.is_file() and zipfile.is_zipfile(path):
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as exc:
            raise SystemExit(f"grade: {path} is not a readable zip file ({exc})")
    elif not path.is_dir():
        raise SystemExit(f"grade: {path} is neither a folder nor a zip file")
    try:
        entries = _zip_entries(zf, max_entries) if zf else _folder_entries(path, max_entries)
        entries = [e for e in entries if not _junk(e.parts)]
        _mark_shadowed(entries)
        groups = _group(_strip_top(entries, sorted(known)))
        tmp.mkdir(parents=True, exist_ok=True)
        out_dir = Path(tempfile.mkdtemp(prefix="collected-", dir=tmp))
        budget = {"left": max_total_bytes}

        def unpack(e: _Entry, sid: str):
            """Our copy of entry ``e``, read: (path, notebook) or (None, (status, reason))."""
            if e.size > max_file_bytes:
                return None, ("too-large", f"the notebook is larger than {max_file_bytes / MB:g}"
                                           f" MB ({e.size / MB:,.1f} MB)")
            if e.size > budget["left"]:
                return None, ("too-large", "not unpacked: the submissions together pass the "
                                           f"{max_total_bytes / 2**30:g} GB limit")
            dest = out_dir / sid / f"{assignment}.ipynb"
            try:
                dest.parent.mkdir(exist_ok=True)
            except OSError as exc:  # our side (disk full, ...): still only this row
                return None, ("unreadable", f"could not unpack here ({exc.strerror})")
            n, problem = _copy_out(e, zf, dest, max_file_bytes)
            budget["left"] -= n
            if problem is None:
                nb, problem = _read(dest, max_file_bytes)
            if problem is not None:
                dest.unlink(missing_ok=True)
                return None, problem
            return dest, nb

        subs = [_pick(g, sid, assignment, known, unpack)
                for g, sid in zip(groups, _assign_ids(groups))]
    finally:
        if zf is not None:
            zf.close()
    return sorted(subs, key=lambda s: _key(s.student))
