"""The learner face of the course, published without a line of the hidden tests or solutions.

    publish(out)        copy what learners, Colab and ``pip install git+<public repo>`` need into
                        the fresh folder ``out``: the book sources, the released exercises and the
                        ``llmz`` package; never solutions/, autograder/ (wrong/ and right/
                        included) or tests/
    check_public(tree)  search every file of ``tree`` (a published tree, or the built book
                        ``_build/html``) for private paths and for any line of a hidden test block
                        or a solution body that is not public anyway; return what it found
    main_publish(out)   both, plus the built book when it exists; prints, returns 0 or 1

See "Public course, private grading" in instructors.md.
"""
from __future__ import annotations

import html
import json
import re
import shutil
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOLUTIONS, EXERCISES = ROOT / "solutions", ROOT / "exercises"
RIGHT = ROOT / "autograder" / "right"  # correct alternative solutions: as secret as solutions/

# What the public repository holds: the Jupyter Book (pages in _toc.yml), the released
# exercises, and what `pip install` of llmz needs. Paths stay as they are, so the Colab links
# and the setup cells' `pip install llmz @ git+<repository.url>` work against the public repo.
FILES = ("intro.md", "instructors.md", "_config.yml", "_toc.yml", "pyproject.toml",
         "requirements.txt", "requirements-nodeps.txt", "constraints.txt", ".gitignore")
DIRS = ("chapters", "exercises", "llmz")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", ".ipynb_checkpoints", "*.egg-info")
PRIVATE = ("solutions", "autograder", "tests")  # never a folder of a published tree or book

MIN_LEN = 25  # shorter lines ("return out", "x = x + 1") say nothing about a solution
MARKERS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS", "### BEGIN SOLUTION",
           "### END SOLUTION")
IMPORT = re.compile(r"(from \S+ )?import [\w., ]+( as \w+)?$")
# Lines of solutions/hidden tests that the library or a chapter also contains on purpose
# (llmz implements what the chapters teach; generic loops). Reviewed one by one: add a line
# here only when its public copy gives nothing away.
SHARED = frozenset({
    "for _ in range(max_new_tokens):",
    "for step in range(1, max_new_tokens + 1):",
    "if eos_token_id is not None:",
    "for hyp, ref in zip(hypotheses, references):",
    "for n in range(1, max_n + 1):",
    "for t, p in zip(y_true, y_pred):",
    "hyp_len, ref_len = hyp_len + len(h), ref_len + len(r)",
    "for pair in zip(ids, ids[1:]):",
    "tok.decoder = decoders.ByteLevel()",
    "blocks = [instruction.strip()] if instruction.strip() else []",
    "eos = tokenizer.eos_token_id",
    "return_assistant_tokens_mask=True)",
    "initial_alphabet=pre_tokenizers.ByteLevel.alphabet())",
    "seen = torch.where(seen < 0, seen * penalty, seen / penalty)",
    "for i, s in enumerate(seqs):",
    "if attention_mask is not None:",
})

PUBLIC_README = """\
# LLMs from Zero to Hero

An open course that takes you from recurrent networks to RLHF by building every piece yourself.
Read the book (start at `intro.md`); every chapter (`chapters/`) and exercise (`exercises/`) opens
in Colab with one click. To work locally:

```bash
python -m venv .venv
.venv/bin/pip install -r requirements.txt -c constraints.txt   # torch: the CPU build
.venv/bin/pip install --no-deps -r requirements-nodeps.txt
.venv/bin/pip install --no-deps -e .                           # the course's helper package llmz
.venv/bin/jupyter-book build .                                 # the book, into _build/html
```

The exercises are graded by the instructors of your class; their hidden tests are not here.
"""


def publish(out: Path) -> list[Path]:
    """Write the learner face of the course into ``out`` (created; it must be new or empty) and
    return the files written. Raises ``FileExistsError`` for a non-empty ``out``."""
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} is not empty: publish into a fresh folder")
    out.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copy2(ROOT / name, out / name)
    for name in DIRS:
        shutil.copytree(ROOT / name, out / name, ignore=SKIP)
    (out / "README.md").write_text(PUBLIC_README)
    return sorted(p for p in out.rglob("*") if p.is_file())


def _block_lines(source: str, begin: str, end: str) -> list[str]:
    """The stripped lines strictly between ``begin`` and ``end`` marker lines."""
    out, inside = [], False
    for line in source.splitlines():
        s = line.strip()
        if s in (begin, end):
            inside = s == begin
        elif inside:
            out.append(s)
    return out


def secret_lines(source: Path = SOLUTIONS, release: Path = EXERCISES,
                 right: Path = RIGHT) -> dict[str, str]:
    """Every line that must not be public, mapped to where it comes from.

    A line is secret when it is in a hidden test block or a solution body of
    ``source/*/*.ipynb`` (or in a correct alternative ``right/*/*.py``), is longer than
    ``MIN_LEN`` characters, and is public anyway in none of these ways: in a released exercise
    (any of them), an import statement, or one of the reviewed ``SHARED`` lines. Raises
    ``FileNotFoundError`` when ``source`` holds no exercise source: nothing to check against."""
    sources = sorted(Path(source).glob("*/*.ipynb"))
    if not sources:
        raise FileNotFoundError(f"no exercise sources NN_topic/NN_topic.ipynb in {source}")
    public = set(SHARED)
    for nb in Path(release).glob("*/*.ipynb"):
        public |= {s.strip() for cell in _cells(nb) for s in cell.splitlines()}
    found: dict[str, str] = {}

    def add(lines, where):
        for s in lines:
            if len(s) > MIN_LEN and s not in public and not IMPORT.match(s):
                found.setdefault(s, where)

    for nb in sources:
        for cell in _cells(nb):
            add(_block_lines(cell, *MARKERS[:2]), f"the hidden tests of {nb.stem}")
            add(_block_lines(cell, *MARKERS[2:]), f"a solution of {nb.stem}")
    for py in sorted(Path(right).glob("*/*.py")):
        add([s.strip() for s in py.read_text().splitlines()], f"a correct alternative ({py.stem})")
    return found


def _cells(nb: Path) -> list[str]:
    """The cell sources of a notebook, as strings."""
    cells = json.loads(nb.read_text())["cells"]
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in cells]


def _strings(obj) -> list[str]:
    """Every string inside a parsed JSON document (notebook sources and outputs alike)."""
    if isinstance(obj, str):
        return [obj]
    items = obj.values() if isinstance(obj, dict) else obj if isinstance(obj, list) else []
    return [s for item in items for s in _strings(item)]


def text_lines(path: Path) -> list[str]:
    """The stripped text lines of a file as a reader sees them: a notebook's cells and outputs
    (not its JSON), an HTML page's text (tags removed, entities decoded, so highlighted code
    reads as code). Binary files have none."""
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return []
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return []
    if path.suffix == ".ipynb":
        try:
            text = "\n".join(_strings(json.loads(text)))
        except ValueError:
            pass  # not valid JSON: search it as text
    elif path.suffix in (".html", ".htm", ".xml", ".svg"):
        text = html.unescape(re.sub(r"<[^>]*>", "", text))
    return [line.strip() for line in text.splitlines()]


def check_public(tree: Path, source: Path = SOLUTIONS) -> list[str]:
    """Search every file of ``tree`` for what must stay private; return one finding per file and
    kind (empty: the tree is safe to publish). Findings name the file and where the secret comes
    from, never the secret text, so they can be printed in a public CI log."""
    tree = Path(tree)
    secrets = secret_lines(source)
    problems = []
    for path in sorted(p for p in tree.rglob("*") if p.is_file()):
        rel = path.relative_to(tree).as_posix()
        if set(PRIVATE) & set(Path(rel).parts[:-1]):  # also _sources/solutions/... in a book
            problems.append(f"{rel}: a private path")
        lines = text_lines(path)
        hits = Counter(secrets[s] for s in lines if s in secrets)
        hits.update("an nbgrader marker line" for s in lines if s in MARKERS)
        problems += [f"{rel}: {n} line(s) of {where}" for where, n in sorted(hits.items())]
    return problems


def main_publish(out: Path, source: Path = SOLUTIONS, book: Path = ROOT / "_build" / "html") -> int:
    """Publish into ``out`` and check it and, when it was built, the book's HTML ``book``
    against the exercise sources in ``source``: print what was written and every finding.
    0 when the learner face is clean, 1 otherwise (``out`` is then left for inspection)."""
    out, book = Path(out), Path(book)
    try:
        written = publish(out)
        problems = check_public(out, source)
        if book.is_dir():
            problems += [f"{book}/{p}" for p in check_public(book, source)]
    except (FileExistsError, FileNotFoundError) as err:
        print(f"publish: {err}")
        return 1
    tops = Counter(p.relative_to(out).parts[0] + "/" if p.parent != out else "top level"
                   for p in written)
    print(f"publish: wrote {len(written)} files to {out} ("
          + ", ".join(f"{name}: {n}" for name, n in sorted(tops.items())) + ")")
    if not book.is_dir():
        print(f"publish: no built book at {book}; `make book` first to check its HTML too")
    for p in problems:
        print("publish: PRIVATE:", p)
    checked = f"{out}" + (f" and {book}" if book.is_dir() else "")
    print(f"publish: {len(problems)} finding(s) in {checked}"
          + ("" if problems else ": no hidden test or solution line, no private path"))
    return 1 if problems else 0
