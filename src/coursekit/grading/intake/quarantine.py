"""Quarantine: symlinks and special files are moved out of a submission before nbgrader copies it.

nbgrader copies every file of a submission into ``autograded/`` (and later ``feedback/``) with
``shutil.copy``, which follows symlinks (a link to another student's answers, or to ``/etc/passwd``,
is copied as that file), reads a device such as ``/dev/zero`` forever, and fails the submission on a
FIFO. So before that copy, every entry that is not a regular file or a real folder is moved to
``<course>/assignments/.coursekit/quarantine/<assignment>/<student>/`` and listed in ``moved.json``:
nothing is deleted, and the grader can see what was there.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from ..private_files import write_private
from .handin import kind_of

MAX_ENTRIES = 20_000  # a submission folder larger than this is not walked further


def quarantine_dir(root: Path, assignment: str, student: str) -> Path:
    return Path(root) / ".coursekit" / "quarantine" / assignment / student


def quarantined(root: Path, assignment: str, student: str) -> dict[str, dict]:
    """relative path -> {"kind": what it was, "target": a link's target}, for one submission ({} if none)."""
    record = quarantine_dir(root, assignment, student) / "moved.json"
    try:
        data = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def quarantine_submission(root: Path, submission: Path, assignment: str, student: str) -> dict[str, dict]:
    """Move the symlinks, FIFOs, sockets and devices of ``submission`` to quarantine; return what moved."""
    submission = Path(os.path.abspath(submission))
    odd = [submission] if os.path.islink(submission) else _odd_entries(submission)
    if not odd:
        return {}
    target = quarantine_dir(root, assignment, student)
    moved = quarantined(root, assignment, student)
    for path in odd:
        rel = "." if path == submission else str(path.relative_to(submission))
        moved[rel] = _describe(path)
        dest = target / "files" / rel.replace("..", "__")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(path), str(dest))  # a rename: links and FIFOs move as themselves
    record(root, assignment, student, moved)
    return moved


def record(root: Path, assignment: str, student: str, moved: dict[str, dict]) -> None:
    """Write what was moved aside for one submission (``moved.json``, readable by the grader only)."""
    write_private(quarantine_dir(root, assignment, student) / "moved.json", json.dumps(moved, indent=1, sort_keys=True))


def _odd_entries(folder: Path) -> list[Path]:
    """Entries under ``folder`` that are neither regular files nor real folders (never following links)."""
    odd, todo, seen = [], [folder], 0
    while todo and seen < MAX_ENTRIES:
        try:
            entries = list(os.scandir(todo.pop()))
        except OSError:
            continue
        for entry in entries:
            seen += 1
            if entry.is_dir(follow_symlinks=False):
                todo.append(Path(entry.path))
            elif not entry.is_file(follow_symlinks=False):
                odd.append(Path(entry.path))
    return odd


def _describe(path: Path) -> dict:
    if os.path.islink(path):
        return {"kind": "a symbolic link", "target": os.readlink(path)[:300]}
    return {"kind": kind_of(os.lstat(path).st_mode)}


def said(moved: dict) -> str:
    """What a student is told about a moved entry: its kind, never a path of the grader's machine."""
    kind = moved.get("kind", "not a regular file") if isinstance(moved, dict) else "not a regular file"
    return f"{kind}, so it was moved aside and not read"
