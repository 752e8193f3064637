"""tests/docs/preflight.sh: passes on this machine, and on a machine without
a system package it names the package and the command that installs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PREFLIGHT = Path(__file__).resolve().parent / "preflight.sh"
TOOLS = ["bash", "env", "cargo", "rustc", "rustup", "git", "curl", "cc", "gcc", "clang", "java", "sed", "head"]


def run(path: str, python: str = "python3.11") -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PATH", "PYTHON")}
    env.update(PATH=path, PYTHON=python)
    return subprocess.run(["bash", str(PREFLIGHT)], env=env, capture_output=True, text=True, timeout=300, check=False)


def bin_dir(tmp_path: Path, leave_out: set[str]) -> str:
    """A PATH of one folder holding this machine's tools except ``leave_out``."""
    folder = tmp_path / "bin"
    folder.mkdir()
    for tool in TOOLS:
        found = shutil.which(tool)
        if found and tool not in leave_out:
            (folder / tool).symlink_to(found)
    (folder / "python3.11").symlink_to(sys.executable)  # a real interpreter with venv
    return str(folder)


def test_passes_here() -> None:
    proc = run(os.environ["PATH"])
    assert proc.returncode == 0, proc.stderr
    assert "preflight:" in proc.stdout


def test_names_missing_system_packages(tmp_path: Path) -> None:
    if not shutil.which("cargo"):
        pytest.fail("cargo is not on PATH")
    proc = run(bin_dir(tmp_path, {"cc", "gcc", "clang", "curl"}))
    assert proc.returncode == 1
    assert "apt-get install build-essential" in proc.stderr
    assert "apt-get install curl" in proc.stderr
    assert "git" not in proc.stderr.split("missing:")[1]  # only what is missing is named


def test_names_a_missing_python(tmp_path: Path) -> None:
    proc = run(bin_dir(tmp_path, set()), python="python3.99")
    assert proc.returncode == 1
    assert "python3.99" in proc.stderr


def test_names_a_missing_java(tmp_path: Path) -> None:
    proc = run(bin_dir(tmp_path, {"java"}))
    assert proc.returncode == 1
    assert "Java 17 or later (for Spark in local mode) — apt-get install openjdk-17-jre-headless" in proc.stderr
