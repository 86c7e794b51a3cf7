"""Fixtures of the grading tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from grading_helpers import copy_course


@pytest.fixture
def course(tmp_path, monkeypatch) -> Path:
    """A fresh course copy; the cwd is its root so coursekit finds it."""
    root = copy_course(tmp_path / "course")
    monkeypatch.chdir(root)
    monkeypatch.delenv("COURSEKIT_COURSE", raising=False)
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    return root
