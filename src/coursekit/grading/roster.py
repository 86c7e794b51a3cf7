"""The class roster: an optional CSV that adds what nbgrader does not keep (sections, LMS ids).

Shared by the item report, the grade exports and the collection of LMS downloads.

``assignments/roster.csv`` (or any file given with ``--roster``) has a header line and one student per
line. Only ``id`` (the nbgrader student id) is required; ``section``, ``name``, ``email``, ``lms_id`` (the
LMS's own user id), ``sis_user_id`` and ``sis_login_id`` are optional. Unknown columns are ignored, so an
LMS export with an added ``id`` column works.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from ..errors import CourseError

ID_COLUMNS = ("id", "student", "student_id", "username", "login")
FIELDS = ("section", "name", "email", "lms_id", "sis_user_id", "sis_login_id")


@dataclass(frozen=True)
class Member:
    id: str
    section: str = ""
    name: str = ""
    email: str = ""
    lms_id: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""


def load_roster(path: Path) -> dict[str, Member]:
    """student id -> Member, from the CSV at ``path``; a clear error for a bad file."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise CourseError(f"{path}: cannot read the roster ({e.__class__.__name__}); give a UTF-8 CSV file") from None
    rows = csv.DictReader(text.splitlines())
    columns = {c.strip().lower(): c for c in rows.fieldnames or []}
    id_column = next((columns[c] for c in ID_COLUMNS if c in columns), None)
    if id_column is None:
        raise CourseError(f"{path}:1: the roster has no 'id' column (the nbgrader student id); add one")
    members: dict[str, Member] = {}
    for line, row in enumerate(rows, start=2):
        sid = (row.get(id_column) or "").strip()
        if not sid:
            raise CourseError(f"{path}:{line}: this line has no student id; fill it in or delete the line")
        if sid in members:
            raise CourseError(f"{path}:{line}: student '{sid}' is listed twice; keep one line")
        extra = {f: (row.get(columns[f]) or "").strip() for f in FIELDS if f in columns}
        members[sid] = Member(sid, **extra)
    return members


def in_section(roster: dict[str, Member], section: str, path: Path) -> set[str]:
    """The ids of the students in ``section``; an error naming the known sections if there is none."""
    chosen = {sid for sid, m in roster.items() if m.section == section}
    if not chosen:
        known = ", ".join(sorted({m.section for m in roster.values() if m.section})) or "none"
        raise CourseError(f"{path}: no student is in section '{section}' (sections in the roster: {known})")
    return chosen
