"""Quarantine: where intake puts what it will not let nbgrader see, and the grader's record of it. Nothing is deleted.

nbgrader copies every file of a submission into ``autograded/`` (and later ``feedback/``) with
``shutil.copy``, which follows symlinks (a link to another student's answers, or to ``/etc/passwd``,
is copied as that file), reads a device such as ``/dev/zero`` forever, and fails the submission on a
FIFO. So intake renames (never copies) into ``<course>/assignments/.coursekit/quarantine/<assignment>/<student>/``:

* ``files/<time>/<path>``: each entry that is not a regular file or a real folder, the rest being graded;
* ``refused/<time>/``: a whole submission over budget (see ``admit.py``), graded not at all;

and lists them in ``moved.json`` (by the path each had in the submission) and ``refused.json`` (the grader's only).
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from ..private_files import private_folder, write_private


def quarantine_dir(root: Path, assignment: str, student: str) -> Path:
    return Path(root) / ".coursekit" / "quarantine" / assignment / student


def quarantined(root: Path, assignment: str, student: str) -> dict[str, dict]:
    """relative path -> {"kind": what it was, "target": a link's target}, for one submission ({} if none)."""
    record_file = quarantine_dir(root, assignment, student) / "moved.json"
    try:
        data = json.loads(record_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def move_aside(root: Path, folder: Path, assignment: str, student: str, odd: list[tuple[str, dict]]) -> dict:
    """Rename each ``(relative path, description)`` of ``folder`` into quarantine; record and return them.

    Each call moves into a new folder (``files/<time>/``) made here, so no path it moves to runs through a link
    moved aside before (a link ``sub`` kept from an earlier hand-in must never receive a later ``sub/x``).
    """
    if not odd:
        return {}
    moved = quarantined(root, assignment, student)
    batch = _rename_target(quarantine_dir(root, assignment, student) / "files" / _stamp())
    for rel, what in odd:
        _rename(Path(folder) / rel, batch / rel)
        moved[rel] = what
    record(root, assignment, student, moved)
    return dict(odd)


def refuse_whole(root: Path, folder: Path, assignment: str, student: str, reason: str) -> Path:
    """Rename the whole submission ``folder`` into quarantine (``refused/<time>``); record why; return where."""
    now = datetime.now(UTC)
    dest = _rename(Path(folder), quarantine_dir(root, assignment, student) / "refused" / _stamp(now))
    where = str(dest.relative_to(root))
    entry = {"reason": reason, "moved_to": where, "at": now.isoformat(timespec="seconds")}
    history = [*_refusals_of(root, assignment, student), entry]
    write_private(quarantine_dir(root, assignment, student) / "refused.json", json.dumps(history, indent=1))
    return dest


def _refusals_of(root: Path, assignment: str, student: str) -> list[dict]:
    try:
        data = json.loads((quarantine_dir(root, assignment, student) / "refused.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [r for r in data if isinstance(r, dict)] if isinstance(data, list) else []


def refusals(root: Path, assignment: str) -> dict[str, dict]:
    """student -> the record of their last refused submission of ``assignment`` (reason, moved_to, at)."""
    folder = Path(root) / ".coursekit" / "quarantine" / assignment
    found = {}
    for student in sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []:
        history = _refusals_of(root, assignment, student)
        if history:
            found[student] = history[-1]
    return found


def record(root: Path, assignment: str, student: str, moved: dict[str, dict]) -> None:
    """Write what was moved aside for one submission (``moved.json``, readable by the grader only)."""
    write_private(quarantine_dir(root, assignment, student) / "moved.json", json.dumps(moved, indent=1, sort_keys=True))


def _stamp(now: datetime | None = None) -> str:
    return (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")


def _rename_target(dest: Path) -> Path:
    """``dest``, or ``dest~1``, ``dest~2``...: the first name not taken (nothing is ever replaced)."""
    private_folder(dest.parent)
    target, n = dest, 1
    while os.path.lexists(target):
        target, n = dest.with_name(f"{dest.name}~{n}"), n + 1
    return target


def _rename(source: Path, dest: Path) -> Path:
    """A rename, so a link or a FIFO moves as itself (never read), to ``dest`` or the first free name beside it."""
    target = _rename_target(dest)
    os.rename(source, target)
    return target


def said(moved: dict) -> str:
    """What a student is told about a moved entry: its kind, never a path of the grader's machine."""
    kind = moved.get("kind", "not a regular file") if isinstance(moved, dict) else "not a regular file"
    return f"{kind}, so it was moved aside and not read"
