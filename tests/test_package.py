"""The helper package installs the way Colab installs it (`pip install llmz @ git+...`): a
non-editable build that carries every module and asset and never asks for torch."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_wheel_carries_modules_and_assets_and_no_torch(tmp_path):
    src = tmp_path / "src"  # build from a copy: setuptools leaves build/ behind
    shutil.copytree(ROOT / "llmz", src / "llmz", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", src / "pyproject.toml")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                    str(src), "-w", str(tmp_path)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("llmz-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for module in sorted((ROOT / "llmz").glob("*.py")):
        assert f"llmz/{module.name}" in names, f"{module.name} missing from the wheel"
    for asset in (ROOT / "llmz" / "assets").rglob("*"):
        if asset.is_file():
            rel = asset.relative_to(ROOT).as_posix()
            assert rel in names, f"asset {rel} missing from the wheel"
    meta = next(n for n in names if n.endswith("METADATA"))
    requires = [l for l in zipfile.ZipFile(wheel).read(meta).decode().splitlines()
                if l.startswith("Requires-Dist:")]
    assert not any("torch" in r for r in requires), "llmz must never pull a torch build"
    assert not any(n.startswith(("autograder/", "solutions/", "tests/")) for n in names)


def test_sources_compile_without_warnings():
    """No invalid escape sequences (a docstring's \\tanh is a tab in a plain string) or other
    compile-time warnings in the course's Python: Python 3.12 turns them into SyntaxWarnings."""
    import warnings

    root = Path(__file__).resolve().parent.parent
    bad = []
    for path in sorted(p for d in ("llmz", "autograder", "tests", "_ext")
                       for p in (root / d).rglob("*.py")):
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            try:
                compile(path.read_text(), str(path), "exec")
            except (SyntaxError, SyntaxWarning, DeprecationWarning) as exc:
                bad.append(f"{path.relative_to(root)}: {exc}")
    assert not bad, "\n".join(bad)
