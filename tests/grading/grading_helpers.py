"""Helpers for the grading tests: a throw-away copy of the course and nbgrader's real commands."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
GRADED = ("treaty-years", "three-challenges", "pogo-problem", "way-forward")


def copy_course(dest: Path) -> Path:
    """A minimal course (graded bank, nbgrader course dir, reading) under ``dest``; returns ``dest``."""
    (dest / "assignments" / "bank").mkdir(parents=True)
    (dest / "book").mkdir()
    for name in GRADED:
        shutil.copy(REPO / "assignments" / "bank" / f"{name}.yaml", dest / "assignments" / "bank")
    for name in ("nbgrader_config.py", "coursekit.toml"):
        shutil.copy(REPO / "assignments" / name, dest / "assignments")
    shutil.copytree(REPO / "assignments" / "source", dest / "assignments" / "source")
    shutil.copy(REPO / "book" / "reading.md", dest / "book")
    return dest


def clean_env(**extra: str) -> dict:
    """The test process's environment with the venv first on PATH and no grading state leaking in."""
    env = {k: v for k, v in os.environ.items() if k not in ("NBGRADER_EXECUTION", "COURSEKIT_COURSE")}
    env["PATH"] = f"{BIN}{os.pathsep}{env.get('PATH', '')}"
    env.update(extra)
    return env


def nbgrader(course: Path, *args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run a real ``nbgrader`` command in the course directory; fail with its output if it fails."""
    exchange = course / "exchange"
    exchange.mkdir(exist_ok=True)
    cmd = [str(BIN / "nbgrader"), *args, f"--Exchange.root={exchange}"]
    done = subprocess.run(
        cmd, cwd=course / "assignments", env=clean_env(), capture_output=True, text=True, timeout=timeout
    )
    if done.returncode != 0:
        pytest.fail(f"{' '.join(args)} failed ({done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return done
