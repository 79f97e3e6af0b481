"""Tests of autograder/publish.py: the public learner face holds the book, the released exercises
and llmz, and no hidden test, solution or correct alternative. Fast: file copies only."""
from __future__ import annotations

import html
import json
import shutil

import pytest
import yaml

from autograder import publish as pub

ROOT = pub.ROOT


@pytest.fixture(scope="module")
def public(tmp_path_factory):
    out = tmp_path_factory.mktemp("public") / "course"
    written = pub.publish(out)
    return out, written


def _a_secret(kind: str, chars: str = "", name: str = "01_rnn") -> str:
    """A real secret line of assignment ``name`` of the given kind ("hidden tests" or
    "solution"), one with some of ``chars`` in it where there is one."""
    lines = [line for line, where in pub.secret_lines().items()
             if kind in where and name in where]
    return next((line for line in lines if set(chars) & set(line)), lines[0])


def test_publish_writes_the_learner_face_and_nothing_private(public):
    out, written = public
    assert written and all(p.is_file() and out in p.parents for p in written)
    for path in ("README.md", "intro.md", "instructors.md", "_config.yml", "_toc.yml",
                 "pyproject.toml", "requirements.txt", "requirements-nodeps.txt",
                 "constraints.txt", "llmz/__init__.py", "llmz/assets/course_model/config.json"):
        assert (out / path).is_file(), f"the public tree lacks {path}"
    for private in ("solutions", "autograder", "tests", "Makefile"):
        assert not (out / private).exists(), f"{private} must not be published"
    assert not list(out.rglob("__pycache__")) and not list(out.rglob("*.egg-info"))


def test_every_book_page_and_colab_target_is_published(public):
    out, _ = public
    toc = yaml.safe_load((out / "_toc.yml").read_text())
    pages = [c["file"] for part in toc["parts"] for c in part["chapters"]]
    missing = [p for p in pages if not list(out.glob(f"{p}.*"))]
    assert not missing, f"pages of _toc.yml missing from the public tree: {missing}"
    assert sorted(p.name for p in (out / "exercises").iterdir()) == \
        sorted(p.name for p in (ROOT / "solutions").iterdir() if p.is_dir())


def test_the_published_tree_is_clean(public):
    out, _ = public
    assert pub.check_public(out) == []


def test_secrets_are_the_hidden_and_solution_lines_not_already_public():
    secrets = pub.secret_lines()
    wheres = set(secrets.values())
    assert any("hidden tests" in w for w in wheres) and any("solution" in w for w in wheres)
    assert all(len(s) > pub.MIN_LEN for s in secrets)
    for released in (ROOT / "exercises").glob("*/*.ipynb"):
        assert not set(secrets) & set(pub.text_lines(released)), released


def test_a_planted_hidden_line_is_found_and_not_printed(public, tmp_path):
    out, _ = public
    tree = tmp_path / "tree"
    shutil.copytree(out / "chapters", tree / "chapters")
    secret = _a_secret("hidden tests")
    (tree / "notes.md").write_text(f"Some notes\n    {secret}\n")
    nb = tree / "chapters" / "01_rnn.ipynb"
    data = json.loads(nb.read_text())
    data["cells"][-1]["source"] = ["x = 1\n", secret + "\n"]
    nb.write_text(json.dumps(data, indent=1))
    problems = pub.check_public(tree)
    assert problems == ["chapters/01_rnn.ipynb: 1 line(s) of the hidden tests of 01_rnn",
                        "notes.md: 1 line(s) of the hidden tests of 01_rnn"]
    assert not any(secret in p for p in problems)


def test_a_solution_in_rendered_html_is_found(tmp_path):
    secret = _a_secret("solution", "<>&\"'", name="")
    assert set("<>&\"'") & set(secret), "pick a line that HTML escapes"
    tokens = "".join(f'<span class="n">{html.escape(ch)}</span>' if ch.isalnum()
                     else html.escape(ch) for ch in secret)  # as Pygments highlights code
    page = f'<div class="highlight"><pre><span></span>    {tokens}\n</pre></div>'
    (tmp_path / "page.html").write_text(f"<html><body>{page}</body></html>")
    assert pub.check_public(tmp_path) == [f"page.html: 1 line(s) of {pub.secret_lines()[secret]}"]


def test_private_paths_and_markers_are_found(tmp_path):
    shutil.copytree(ROOT / "solutions" / "01_rnn", tmp_path / "solutions" / "01_rnn")
    (tmp_path / "autograder" / "wrong").mkdir(parents=True)
    (tmp_path / "autograder" / "wrong" / "x.py").write_text("pass\n")
    (tmp_path / "_sources" / "solutions").mkdir(parents=True)  # a book that rendered solutions/
    (tmp_path / "_sources" / "solutions" / "01_rnn.md").write_text("# Exercise 1\n")
    problems = pub.check_public(tmp_path)
    assert "_sources/solutions/01_rnn.md: a private path" in problems
    assert "autograder/wrong/x.py: a private path" in problems
    assert "solutions/01_rnn/01_rnn.ipynb: a private path" in problems
    assert any(p.startswith("solutions/01_rnn/01_rnn.ipynb:") and "marker" in p for p in problems)
    assert any(p.startswith("solutions/01_rnn/01_rnn.ipynb:") and "hidden tests" in p
               for p in problems)


def test_publish_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "old.txt").write_text("keep me")
    with pytest.raises(FileExistsError):
        pub.publish(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["old.txt"]
    assert pub.main_publish(tmp_path) == 1


def test_checking_without_the_sources_fails(tmp_path):
    with pytest.raises(FileNotFoundError):
        pub.check_public(tmp_path, source=tmp_path / "no-solutions")
    assert pub.main_publish(tmp_path / "public", source=tmp_path / "no-solutions") == 1


def test_main_publish_reports_and_returns_0(tmp_path, capsys):
    assert pub.main_publish(tmp_path / "public", book=tmp_path / "no-book") == 0
    out = capsys.readouterr().out
    assert "wrote" in out and "0 finding(s)" in out


@pytest.mark.skipif(not (ROOT / "_build" / "html").is_dir(), reason="the book is not built")
def test_the_built_book_renders_no_hidden_test_or_solution():
    assert pub.check_public(ROOT / "_build" / "html") == []
