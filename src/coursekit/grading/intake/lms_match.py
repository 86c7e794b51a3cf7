"""Which roster student each file of an LMS download belongs to.

* Canvas names each file with the student's Canvas user id: the roster's ``lms_id`` column holds it.
* Moodle names each folder with the student's full name and the assignment's own participant id, which no other
  export shares except the assignment's grading worksheet ("Download grading worksheet": ``Identifier`` is
  "Participant <id>", beside ``Email address`` and, where the site shows it, ``ID number``; moodle/moodle
  ``mod/assign/feedback/offline/importgradeslib.php`` at 9762977c reads the id back the same way). Given that
  worksheet, a participant is the roster student with that ID number (``sis_user_id``) or else that email;
  without it, the roster student with exactly that full name (``name``), and never a guess between two.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from ...errors import CourseError
from .lms_names import LmsFile


@dataclass(frozen=True)
class Candidate:
    """A file of the download matched to a student and to a file of the assignment (``copy``: 0 for the original)."""

    student: str
    canonical: str
    file: LmsFile
    copy: int


def match_students(files: list[LmsFile], lms: str, members: dict, worksheet: Path | None, unplaced: list) -> list:
    """(student id, file) for each file whose student is on the roster; the others go to ``unplaced`` with why."""
    who = _canvas_ids(members) if lms == "canvas" else _moodle_ids(members, worksheet, files)
    out = []
    for f in files:
        student = who.get(f.who)
        if student:
            out.append((student, f))
        else:
            unplaced.append((f.entry, _why_unknown(f, lms, worksheet)))
    return out


def _why_unknown(f: LmsFile, lms: str, worksheet: Path | None) -> str:
    if lms == "canvas":
        if not f.who:
            return "Canvas anonymous grading hides who this is; download again after Canvas shows student names"
        return f"Canvas user {f.who} ({f.name}) is not in the roster's lms_id column"
    if worksheet is not None:
        return f"Moodle participant {f.who} ({f.name}) has no roster row with the worksheet's ID number or email"
    return f"no roster student is named exactly '{f.name}' (or two are); give Moodle's grading worksheet (--worksheet)"


def _canvas_ids(members: dict) -> dict[str, str]:
    return {m.lms_id: sid for sid, m in members.items() if m.lms_id}


def _moodle_ids(members: dict, worksheet: Path | None, files: list[LmsFile]) -> dict[str, str]:
    if worksheet is not None:
        return _by_worksheet(members, _worksheet_rows(Path(worksheet)))
    named: dict[str, list[str]] = {}
    for sid, m in members.items():
        named.setdefault(_folded(m.name), []).append(sid)
    return {f.who: named[_folded(f.name)][0] for f in files if len(named.get(_folded(f.name), [])) == 1}


def _folded(name: str) -> str:
    return " ".join(name.split()).casefold()


def _by_worksheet(members: dict, rows: dict[str, tuple[str, str]]) -> dict[str, str]:
    by_number = {m.sis_user_id: sid for sid, m in members.items() if m.sis_user_id}
    by_email = {m.email.casefold(): sid for sid, m in members.items() if m.email}
    found = {}
    for participant, (email, number) in rows.items():
        student = by_number.get(number) if number else None
        student = student or (by_email.get(email.casefold()) if email else None)
        if student:
            found[participant] = student
    return found


def _worksheet_rows(path: Path) -> dict[str, tuple[str, str]]:
    """participant id -> (email, ID number), from Moodle's grading worksheet CSV."""
    try:
        lines = path.read_text(encoding="utf-8-sig").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise CourseError(f"{path}: cannot read the grading worksheet ({type(e).__name__}); give its CSV") from None
    reader = csv.DictReader(lines)
    if "Identifier" not in (reader.fieldnames or []):
        raise CourseError(f"{path}:1: no 'Identifier' column; give the assignment's 'Download grading worksheet' CSV")
    rows = {}
    for number, row in enumerate(reader, start=2):
        m = re.search(r"(\d+)\s*$", row.get("Identifier") or "")
        if m is None:
            raise CourseError(f"{path}:{number}: the Identifier '{row.get('Identifier')}' has no participant number")
        rows[m[1]] = ((row.get("Email address") or "").strip(), (row.get("ID number") or "").strip())
    return rows
