"""Intake of a class's submissions (autograder/submissions.py), no kernels.

Every learner in a folder or LMS zip gets exactly one row with a status and a readable reason,
whatever the archive holds: unsafe names, links, duplicates, zip bombs, clashing Unicode names,
spare copies, scripts instead of notebooks, the wrong assignment, broken files. The originals
are never written to, and what is graded is always our own copy.
"""
from __future__ import annotations

import hashlib
import os
import struct
import unicodedata
import warnings
import zipfile
from pathlib import Path

import nbformat
import pytest

from autograder.submissions import (STATUSES, Submission, _copy_out, _Entry, collect,
                                    read_notebook, safe_id)

A = "01_rnn"
KNOWN = {"01_rnn": {"imports", "bigram_lm", "test_bigram_lm_rows"},
         "02_tokenization": {"imports", "bpe_merges", "test_bpe_merges_basic"}}


def nb_text(*grade_ids: str, note: str = "") -> str:
    """A small valid notebook; ``grade_ids`` become nbgrader cells (who it belongs to)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(note or "hello")]
    for gid in grade_ids:
        cell = nbformat.v4.new_code_cell("pass")
        cell.metadata["nbgrader"] = {"grade_id": gid, "grade": False, "solution": True,
                                     "locked": False, "schema_version": 3}
        nb.cells.append(cell)
    return nbformat.writes(nb)


GOOD = nb_text("bigram_lm", note="an 01_rnn attempt")


def make_zip(path: Path, entries) -> Path:
    """``entries``: (name or ZipInfo, data) pairs, written in order (duplicates allowed)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate names we want
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in entries:
                zf.writestr(name, data)
    return path


def link_entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = 0o120777 << 16
    return info


def make_tree(root: Path, files: dict) -> Path:
    for rel, data in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data.encode() if isinstance(data, str) else data)
    return root


def digest(path: Path) -> str:
    """sha256 of a file, or of every name and file below a folder (links not followed)."""
    h = hashlib.sha256()
    items = [path] if path.is_file() else sorted(path.rglob("*"))
    for p in items:
        h.update(str(p.relative_to(path.parent)).encode("utf-8", "surrogateescape"))
        if p.is_file() and not p.is_symlink():
            h.update(p.read_bytes())
    return h.hexdigest()


def by_student(subs: list[Submission]) -> dict[str, Submission]:
    ids = [s.student for s in subs]
    assert len(ids) == len({i.casefold() for i in ids}), f"ids not unique: {ids}"
    for s in subs:
        assert s.status in STATUSES
        assert "\n" not in s.message and "\r" not in s.message
        assert (s.path is not None) == (s.status == "ok"), s
        if s.status != "ok":
            assert s.message, s
    return {s.student: s for s in subs}


def grade(src: Path, tmp: Path, assignment: str = A, **kw) -> dict[str, Submission]:
    before = digest(src)
    subs = collect(src, assignment, tmp / "work", known_assignments=kw.pop("known", KNOWN), **kw)
    assert digest(src) == before, "collect changed the submissions"
    for s in subs:  # what is graded is our copy, inside tmp
        if s.path is not None:
            assert s.path.resolve().is_relative_to((tmp / "work").resolve())
            assert not s.path.is_symlink()
    return by_student(subs)


# ---------------------------------------------------------------------------------- layouts

LAYOUT = {
    "alice/01_rnn.ipynb": GOOD,
    "smithbob_LATE_123_456_01_rnn.ipynb": GOOD,
    "joneszoe_777_888_01_rnn.ipynb": GOOD,
    "joneszoe_777_889_notes.txt": "notes",
    "Carol Díaz_1234_assignsubmission_file_/01_rnn.ipynb": GOOD,
    "Carol Díaz_1234_assignsubmission_onlinetext_/onlinetext.html": "<p>see file</p>",
    "dave.ipynb": GOOD,
}


def check_layout(rows: dict[str, Submission]):
    assert sorted(rows) == ["Carol_Díaz_1234", "alice", "dave", "joneszoe", "smithbob"]
    assert all(r.status == "ok" for r in rows.values()), rows
    assert rows["smithbob"].lms_id == "123" and "LATE" in rows["smithbob"].message
    assert rows["joneszoe"].lms_id == "777" and rows["joneszoe"].message == ""
    carol = rows["Carol_Díaz_1234"]
    assert (carol.display, carol.lms_id) == ("Carol Díaz", "1234")
    assert carol.source.endswith("Carol Díaz_1234_assignsubmission_file_/01_rnn.ipynb")
    for r in rows.values():
        assert r.path.read_text() == GOOD


def test_folder_layouts(tmp_path):
    check_layout(grade(make_tree(tmp_path / "class", LAYOUT), tmp_path))


def test_zip_layouts_under_one_wrapping_folder_with_mac_junk(tmp_path):
    entries = [(f"submissions/{k}", v) for k, v in LAYOUT.items()] + [
        ("submissions/", ""), ("__MACOSX/submissions/._dave.ipynb", "junk"),
        ("submissions/.DS_Store", "junk"),
        ("submissions/alice/.ipynb_checkpoints/01_rnn-checkpoint.ipynb", "junk")]
    check_layout(grade(make_zip(tmp_path / "class.zip", entries), tmp_path))


def test_one_learner_folder_is_not_unwrapped(tmp_path):
    zf = make_zip(tmp_path / "c.zip", [("alice/01_rnn.ipynb", GOOD),
                                       ("alice/01_rnn-Copy1.ipynb", GOOD)])
    assert list(grade(zf, tmp_path)) == ["alice"]


def test_wrapped_plain_files_are_learners(tmp_path):
    zf = make_zip(tmp_path / "c.zip", [("export/alice.ipynb", GOOD), ("export/bob.ipynb", GOOD)])
    assert sorted(grade(zf, tmp_path)) == ["alice", "bob"]


# ---------------------------------------------------------------------------------- unsafe zips

def test_unsafe_entries_become_rows_and_never_stop_the_batch(tmp_path):
    long_name = "x" * 300 + ".ipynb"
    zf = make_zip(tmp_path / "class.zip", [
        ("alice/01_rnn.ipynb", GOOD),
        (f"dave/{long_name}", GOOD),                    # 300-byte file name
        (long_name, GOOD),                              # and at the top
        ("/etc/absolute.ipynb", GOOD),
        ("../escape/01_rnn.ipynb", GOOD),
        (link_entry("mallory/01_rnn.ipynb"), "/etc/passwd"),
        (link_entry("trap"), "/tmp"),                   # a link, then a file through it
        ("trap/01_rnn.ipynb", GOOD),
        ("eve", "a file"),                              # a file, then a file under its name
        ("eve/01_rnn.ipynb", GOOD),
        ("frank/01_rnn.ipynb", GOOD),
        (link_entry("frank/01_rnn-Copy1.ipynb"), "/etc/shadow"),
        ("gina/01_rnn.ipynb", GOOD),                    # made password-protected below
    ])
    patch_zip(zf, "gina/01_rnn.ipynb", flags=0x1)
    rows = grade(zf, tmp_path)
    assert rows["alice"].status == "ok"
    assert rows["dave"].status == "invalid" and "longer than 255 bytes" in rows["dave"].message
    long_row = rows[safe_id("x" * 300)]
    assert long_row.status == "invalid" and len(long_row.student) <= 100
    assert rows["etc"].status == "invalid" and "absolute path" in rows["etc"].message
    assert rows["escape"].status == "invalid" and "'..'" in rows["escape"].message
    assert rows["mallory"].status == "invalid" and "symbolic link" in rows["mallory"].message
    assert rows["trap"].status == "invalid" and "stored under trap" in rows["trap"].message
    assert rows["eve"].status == "invalid" and "also a file" in rows["eve"].message
    assert rows["frank"].status == "ok" and "symbolic link" in rows["frank"].message
    assert rows["gina"].status == "unreadable" and "password" in rows["gina"].message
    assert len(rows) == 10
    assert not (tmp_path / "escape").exists() and not (tmp_path / "work" / "escape").exists()


def test_duplicate_entry_names_are_reported_not_overwritten(tmp_path):
    zf = make_zip(tmp_path / "c.zip", [
        ("alice/01_rnn.ipynb", GOOD), ("alice/01_rnn.ipynb", nb_text(note="the other one")),
        ("bob/01_rnn.ipynb", GOOD), ("bob/01_rnn.ipynb", GOOD)])
    rows = grade(zf, tmp_path)
    assert rows["alice"].status == "duplicate"
    assert "2 different files named alice/01_rnn.ipynb" in rows["alice"].message
    assert rows["bob"].status == "ok" and "identical" in rows["bob"].message


def patch_zip(zpath: Path, name: str, size: int | None = None, flags: int | None = None):
    """Make the zip claim ``size`` bytes or ``flags`` for ``name`` (in the entry's local header
    and in the central directory): what a hand-made hostile zip can do."""
    raw = bytearray(zpath.read_bytes())
    # signature, offsets of: flags, size, the name's length, the name
    for sig, flags_at, size_at, len_at, name_at in ((b"PK\x03\x04", 6, 22, 26, 30),
                                                    (b"PK\x01\x02", 8, 24, 28, 46)):
        i = raw.find(sig)
        while i != -1:
            n = struct.unpack_from("<H", raw, i + len_at)[0]
            if raw[i + name_at:i + name_at + n] == name.encode():
                if size is not None:
                    struct.pack_into("<I", raw, i + size_at, size)
                if flags is not None:
                    struct.pack_into("<H", raw, i + flags_at, flags)
            i = raw.find(sig, i + 4)
    zpath.write_bytes(bytes(raw))


def test_zip_bombs_are_capped(tmp_path):
    big = '{"cells": [], "pad": "' + "0" * (30 * 2**20) + '"}'
    zf = make_zip(tmp_path / "c.zip", [("liar/01_rnn.ipynb", big),      # says small, is big
                                       ("boaster/01_rnn.ipynb", GOOD),   # says 3 GB
                                       ("alice/01_rnn.ipynb", GOOD)])
    patch_zip(zf, "liar/01_rnn.ipynb", size=1000)
    patch_zip(zf, "boaster/01_rnn.ipynb", size=3 * 2**30)
    rows = grade(zf, tmp_path)
    assert rows["alice"].status == "ok"
    assert rows["boaster"].status == "too-large" and "20 MB" in rows["boaster"].message
    assert rows["liar"].status in ("unreadable", "too-large"), rows["liar"]
    assert all(p.stat().st_size < 2**20 for p in (tmp_path / "work").rglob("*") if p.is_file())


def test_streaming_cap_holds_when_the_listing_lies(tmp_path):
    real = make_tree(tmp_path / "in", {"big.ipynb": b"0" * (3 * 2**20)}) / "big.ipynb"
    entry = _Entry(("big.ipynb",), "big.ipynb", size=10, ref=real)
    n, problem = _copy_out(entry, None, tmp_path / "out.ipynb", cap=2**20)
    assert (n, problem[0]) == (0, "too-large") and not (tmp_path / "out.ipynb").exists()


def test_total_budget_and_entry_count(tmp_path):
    zf = make_zip(tmp_path / "c.zip", [(f"s{i}/01_rnn.ipynb", GOOD) for i in range(3)])
    rows = grade(zf, tmp_path, max_total_bytes=int(2.5 * len(GOOD)))
    assert [r.status for r in rows.values()] == ["ok", "ok", "too-large"]
    assert "together" in rows["s2"].message
    with pytest.raises(SystemExit, match="more than the limit of 2"):
        collect(zf, A, tmp_path / "w2", max_entries=2, known_assignments=KNOWN)
    with pytest.raises(SystemExit, match="more than 2 files"):
        collect(make_tree(tmp_path / "f", {f"s{i}/a.ipynb": GOOD for i in range(3)}), A,
                tmp_path / "w3", max_entries=2, known_assignments=KNOWN)


def test_neither_folder_nor_zip(tmp_path):
    (tmp_path / "grades.txt").write_text("not a zip")
    for p in (tmp_path / "grades.txt", tmp_path / "missing"):
        with pytest.raises(SystemExit, match="neither a folder nor a zip"):
            collect(p, A, tmp_path / "w", known_assignments=KNOWN)


def test_folder_links_are_never_followed(tmp_path):
    secret = tmp_path / "secret.ipynb"
    secret.write_text(nb_text(note="instructor only"))
    root = make_tree(tmp_path / "class", {"alice/01_rnn.ipynb": GOOD,
                                          "outside/01_rnn.ipynb": GOOD})
    (root / "mallory").mkdir()
    os.symlink(secret, root / "mallory" / "01_rnn.ipynb")
    os.symlink(tmp_path / "class" / "outside", root / "bob")
    (root / "pipe").mkdir()
    os.mkfifo(root / "pipe" / "01_rnn.ipynb")  # opening it for reading would hang
    rows = grade(root, tmp_path)
    assert rows["pipe"].status == "invalid" and "not a regular file" in rows["pipe"].message
    assert rows["alice"].status == "ok"
    for who in ("mallory", "bob"):
        assert rows[who].status == "invalid" and "symbolic link" in rows[who].message
    assert not any("instructor only" in p.read_text() for p in (tmp_path / "work").rglob("*.ipynb"))


# ---------------------------------------------------------------------------------- names

def test_names_stay_unicode_distinct_and_safe(tmp_path):
    nfd = unicodedata.normalize("NFD", "José")
    names = ["José", "Josè", nfd, "山田 太郎", "山田\u3000太郎", "Alice Smith_1234",
             "Alice_Smith_1234", "alice", "ALICE", "-1+2", "=cmd|' -C calc'!A0", "@SUM(A1)",
             "\tTab", "CON", "N" * 150, "Zoë\u202eevil"]
    root = tmp_path / "class"
    for i, name in enumerate(names):
        (root / name).mkdir(parents=True, exist_ok=True)
        (root / name / "01_rnn.ipynb").write_text(GOOD)
    rows = grade(root, tmp_path)
    assert len(rows) == len(names) and all(r.status == "ok" for r in rows.values())
    assert {"José", "José_2", "Josè", "山田_太郎", "山田_太郎_2", "Alice_Smith_1234",
            "Alice_Smith_1234_2", "ALICE", "alice_2", "1_2", "cmd_-C_calc_A0"} <= set(rows)
    assert {r.display for r in rows.values()} >= {"José", "Josè", "山田 太郎", "-1+2",
                                                  "=cmd|' -C calc'!A0", "@SUM(A1)"}
    assert sum(r.display == "José" for r in rows.values()) == 2  # NFC and NFD: both kept
    for sid in rows:
        assert sid[0] not in "-=+@\t\r." and len(sid) <= 100 and len(sid.encode()) <= 200
        assert sid == unicodedata.normalize("NFC", sid)
        assert not set(sid) & set("/\\:*?\"<>| \t\r\n\u202e")
        (tmp_path / "ids" / sid).mkdir(parents=True)  # usable as a folder name
    assert "CON" not in rows and "CON_" in rows


def test_clashing_ids_use_the_lms_id_first(tmp_path):
    root = make_tree(tmp_path / "class", {
        "smithalice_11_1_01_rnn.ipynb": GOOD, "smithalice_22_2_01_rnn.ipynb": GOOD,
        "Alice Smith_1234_assignsubmission_file_/01_rnn.ipynb": GOOD,
        "Alice_Smith_1234_assignsubmission_file_/01_rnn.ipynb": GOOD})
    rows = grade(root, tmp_path)
    assert sorted(rows) == ["Alice_Smith_1234", "Alice_Smith_1234_2", "smithalice_11",
                            "smithalice_22"]
    assert {r.display for r in rows.values()} == {"Alice Smith", "Alice_Smith", "smithalice"}


def test_safe_id():
    assert safe_id("José Ñúñez") == "José_Ñúñez"
    assert safe_id("../../etc/passwd") == "etc_passwd"
    assert safe_id("") == safe_id("...") == "unknown"
    assert safe_id("a\x00b\nc") == "a_b_c"


# ---------------------------------------------------------------------------------- choosing

def test_several_notebooks_pick_exact_then_only_then_newest(tmp_path):
    root = make_tree(tmp_path / "class", {
        "alice/01_rnn.ipynb": nb_text(note="exact"), "alice/01_rnn-Copy1.ipynb": GOOD,
        "bob/old.ipynb": GOOD, "bob/new.ipynb": nb_text(note="newest"),
        "carl/01_rnn.ipynb": "{broken", "carl/01_rnn-Copy1.ipynb": nb_text(note="copy"),
        "dina/02_tokenization.ipynb": GOOD, "dina/Untitled.ipynb": nb_text(note="untitled")})
    os.utime(root / "alice/01_rnn.ipynb", (1e9, 1e9))  # the exact name wins even when older
    os.utime(root / "bob/old.ipynb", (1e9, 1e9))
    rows = grade(root, tmp_path)
    assert "exact" in rows["alice"].path.read_text()
    assert rows["alice"].message == "2 notebooks; graded 01_rnn.ipynb (exact name)"
    assert "newest" in rows["bob"].path.read_text()
    assert rows["bob"].message == "2 notebooks; graded new.ipynb (most recently modified)"
    assert "copy" in rows["carl"].path.read_text()
    assert "01_rnn.ipynb: the file is not a valid notebook: not valid JSON" in \
        rows["carl"].message
    assert "graded 01_rnn-Copy1.ipynb instead" in rows["carl"].message
    assert "untitled" in rows["dina"].path.read_text()
    assert "the only one for this assignment" in rows["dina"].message


def test_no_notebook(tmp_path):
    root = make_tree(tmp_path / "class", {"bob/01_rnn.py": "def f(): pass", "eve.py": "x"})
    (root / "carl").mkdir()
    rows = grade(root, tmp_path)
    assert {k: r.status for k, r in rows.items()} == dict.fromkeys(["bob", "carl", "eve"],
                                                                   "not-a-notebook")
    assert rows["bob"].message == "no notebook (.ipynb) in the submission; found 01_rnn.py"


def test_wrong_assignment_by_name_and_by_metadata(tmp_path):
    root = make_tree(tmp_path / "class", {
        "alice/02_tokenization.ipynb": GOOD,
        "bob/homework.ipynb": nb_text("imports", "bpe_merges"),  # the tasks of 02
        "carl/homework.ipynb": nb_text("imports", "bigram_lm"),  # the tasks of 01: fine
        "erin/homework.ipynb": nb_text("imports"),               # shared by both: fine
        "dina/02_Tokenization-Copy1.ipynb": GOOD})
    rows = grade(root, tmp_path)
    assert rows["alice"].status == "wrong-assignment"
    assert rows["alice"].message == "02_tokenization.ipynb is the notebook of 02_tokenization, " \
                                    "not 01_rnn"
    assert rows["bob"].status == "wrong-assignment" and "tasks of 02_tokenization" in \
        rows["bob"].message
    assert rows["carl"].status == rows["erin"].status == "ok"
    assert rows["dina"].status == "wrong-assignment"


def test_odd_metadata_is_not_a_crash(tmp_path):
    nb = nbformat.reads(nb_text("bigram_lm"), as_version=4)
    nb.cells[0].metadata["nbgrader"] = "not a dict"
    nb.cells[1].metadata["nbgrader"]["grade_id"] = ["a", "list"]
    rows = grade(make_tree(tmp_path / "class", {"alice/01_rnn.ipynb": nbformat.writes(nb)}),
                 tmp_path)
    assert rows["alice"].status == "ok"


def test_wrong_assignment_with_the_course_assignments(tmp_path):
    from autograder.course import EXERCISES

    tok = (EXERCISES / "02_tokenization" / "02_tokenization.ipynb").read_text()
    root = make_tree(tmp_path / "class", {"alice/02_tokenization.ipynb": GOOD,
                                          "bob/01_rnn.ipynb": GOOD, "carl/mine.ipynb": tok})
    from autograder.course import assignments

    for known in (None, assignments()):  # the course's own; names, their ids from the course
        subs = collect(root, "01_rnn", tmp_path / "w", known_assignments=known)
        assert [(s.student, s.status) for s in subs] == [("alice", "wrong-assignment"),
                                                          ("bob", "ok"),
                                                          ("carl", "wrong-assignment")]
        assert subs[2].message == "mine.ipynb holds the tasks of 02_tokenization, not 01_rnn"


# ---------------------------------------------------------------------------------- contents

def test_broken_contents(tmp_path):
    files = {"nonutf8/01_rnn.ipynb": b'{"cells": [], "metadata": {"n": "\xe9\xff"}}',
             "notjson/01_rnn.ipynb": "{cells: oops",
             "notnb/01_rnn.ipynb": '{"hello": 1}',
             "huge/01_rnn.ipynb": '{"pad": "' + "0" * (21 * 2**20) + '"}'}
    for rows in (grade(make_tree(tmp_path / "class", files), tmp_path),
                 grade(make_zip(tmp_path / "c.zip", list(files.items())), tmp_path / "z")):
        assert rows["nonutf8"].status == "invalid"
        assert rows["nonutf8"].message == "the file is not UTF-8 text, so not a notebook"
        assert rows["notjson"].status == "invalid"
        assert rows["notjson"].message.startswith("the file is not a valid notebook: "
                                                  "not valid JSON (")
        assert rows["notnb"].status == "invalid"
        assert rows["notnb"].message.startswith("the file is not a valid notebook (")
        assert rows["huge"].status == "too-large"
        assert rows["huge"].message.startswith("the notebook is larger than 20 MB")


def test_read_notebook(tmp_path):
    p = tmp_path / "a.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "evil", "display_name": "x", "language": "python"}
    p.write_text("\ufeff" + nbformat.writes(nb), encoding="utf-8")  # a BOM is tolerated
    got, problem = read_notebook(p)
    assert problem is None and got.metadata["kernelspec"]["name"] == "python3"
    assert read_notebook(p, max_bytes=10)[1].startswith("the notebook is larger than")
    assert read_notebook(tmp_path)[1] == "the submission is not a regular file"
    assert read_notebook(tmp_path / "missing.ipynb")[1].startswith("the file could not be read")
    p.write_bytes(b"[" * 100000 + b"]" * 100000)  # deep JSON: no RecursionError escapes
    assert read_notebook(p)[0] is None
