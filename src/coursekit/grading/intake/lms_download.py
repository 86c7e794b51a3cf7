"""`coursekit collect`: an LMS's bulk download of one assignment, placed in nbgrader's ``submitted/``.

For courses without a JupyterHub: students upload the quiz notebook (and, if they can, its answers file) to a
Canvas or Moodle assignment; the instructor downloads all submissions as one zip. Each file is matched to a
student of the roster (``lms_names.py`` reads the LMS's naming) and to a file of the assignment under its
canonical name (the LMS's and browsers' renamed copies, the newest kept), then written where nbgrader's own
``collect`` and ``zip_collect`` put it: ``submitted/<student>/<assignment>/``, with ``timestamp.txt``.

This is not nbgrader's ``zip_collect`` with a regexp plugin, because that maps a file name straight to a
student id (an LMS names students by its own ids, which only the roster links to nbgrader's), fails on two
copies of one file unless the names carry times, and writes a timestamp only from the name (neither LMS's
names carry one). Its conventions are kept: the same folders, its timestamp format, and ``--force`` to replace
a student's earlier collection, never silently.

An LMS download carries no submission times, so ``timestamp.txt`` holds the download's time (the zip's
modification time): then nbgrader's export tells a collected 0 from "did not submit" (an empty timestamp). When
nbgrader knows the due date, a submission the LMS does not mark late gets a time no later than it, so nbgrader
never counts it late; Canvas's late ones keep the download's time (nbgrader then overstates how late: take late
penalties from the LMS).
"""

from __future__ import annotations

import stat
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from ...course import find_course
from ...errors import CourseError
from ..roster import load_roster
from .lms_match import Candidate, match_students
from .lms_names import canonical, canvas_file, moodle_file
from .lms_place import place_all, wanted_files
from .notebook_answers import MAX_NOTEBOOK

LMSES = ("canvas", "moodle")
MAX_ENTRIES = 100_000  # entries of one download read at most


@dataclass
class Collected:
    """What `coursekit collect` did: who was placed, who is late, which copies and files were left, who is missing."""

    assignment: str
    lms: str
    archive: Path
    timestamp: datetime
    placed: dict[str, list[str]] = field(default_factory=dict)  # student -> canonical files written
    late: list[str] = field(default_factory=list)
    older: list[tuple[str, str, str]] = field(default_factory=list)  # (student, copy kept, copy not used)
    unplaced: list[tuple[str, str]] = field(default_factory=list)  # (archive entry, why)
    missing: list[str] = field(default_factory=list)  # on the roster, nothing placed

    def summary(self) -> str:
        when = self.timestamp.strftime("%Y-%m-%d %H:%M UTC")
        lines = [
            f"collect {self.assignment} from {self.lms.capitalize()} ({self.archive.name}): "
            f"{len(self.placed)} student(s) placed in submitted/ (timestamp.txt: {when}, the download's time)."
        ]
        if self.late:
            lines.append(f"  late (per {self.lms.capitalize()}): {', '.join(self.late)}")
        lines += [f"  resubmitted: {s}: kept {kept}, not {old}" for s, kept, old in self.older]
        if self.unplaced:
            lines.append(f"  could not place {len(self.unplaced)} file(s):")
            lines += [f"    {entry}: {why}" for entry, why in self.unplaced]
        if self.missing:
            lines.append(f"  no submission (on the roster, nothing placed): {', '.join(self.missing)}")
        lines.append(f"Next: coursekit grade {self.assignment}")
        return "\n".join(lines)


def collect_download(
    *,
    assignment: str,
    archive: Path,
    lms: str,
    roster: Path | None = None,
    worksheet: Path | None = None,
    force: bool = False,
) -> Collected:
    """Place the ``lms`` (canvas | moodle) bulk download ``archive`` of ``assignment`` in submitted/ (module doc)."""
    if lms not in LMSES:
        raise CourseError(f"unknown LMS '{lms}'; use --from canvas or --from moodle")
    root = find_course().assignments
    path = _roster_path(root, roster)
    members = load_roster(path)
    for sid in members:
        if sid.startswith(".") or any(c in sid for c in "/\\\0"):
            raise CourseError(f"{path}: the student id '{sid}' cannot be a folder under submitted/; change it")
    wanted = wanted_files(root, assignment)
    archive = Path(archive)
    done = Collected(assignment, lms, archive, _download_time(archive))
    with _open(archive) as zf:
        files = _read_names(zf, lms, members, done)
        chosen = match_students(files, lms, members, worksheet, done.unplaced)
        candidates = [c for c in (_candidate(c, wanted, done) for c in chosen) if c is not None]
        place_all(root, zf, candidates, done, force=force, limit=MAX_NOTEBOOK)
    done.missing = sorted(set(members) - set(done.placed))
    return done


def _roster_path(root: Path, roster: Path | None) -> Path:
    path = Path(roster) if roster else root / "roster.csv"
    if not path.is_file():
        raise CourseError(
            f"{path}: no roster. `coursekit collect` links the LMS's students to nbgrader's by a roster CSV "
            "(columns id, name, email, lms_id, sis_user_id; see the instructor guide); write one or give --roster"
        )
    return path


def _download_time(archive: Path) -> datetime:
    try:
        return datetime.fromtimestamp(archive.stat().st_mtime, UTC)
    except OSError as e:
        raise CourseError(f"{archive}: cannot read the download ({e.strerror}); give the LMS's zip") from None


def _open(archive: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, OSError) as e:
        raise CourseError(f"{archive}: not a zip file ({e}); give the zip of 'Download all submissions'") from None


def _read_names(zf: zipfile.ZipFile, lms: str, members: dict, done: Collected) -> list:
    """The download's files read back by the LMS's naming; others are listed as not placed."""
    known = {m.lms_id for m in members.values() if m.lms_id}
    if lms == "canvas" and not known:
        raise CourseError(
            "the roster has no lms_id values: for a Canvas download each student's Canvas user ID goes in lms_id "
            "(the ID column of Canvas's gradebook export)"
        )
    found = []
    for info in zf.infolist()[:MAX_ENTRIES]:
        if info.is_dir():
            continue
        if stat.S_ISLNK(info.external_attr >> 16):
            done.unplaced.append((info.filename, "a symbolic link, not a file"))
            continue
        parsed = canvas_file(info.filename, known) if lms == "canvas" else moodle_file(info.filename)
        if parsed is None:
            done.unplaced.append((info.filename, f"not named as {lms.capitalize()} names a submitted file"))
        else:
            found.append(parsed)
    return found


def _candidate(chosen: tuple, wanted: set[str], done: Collected) -> Candidate | None:
    student, lms_file = chosen
    match = canonical(lms_file.filename, wanted)
    if match is None:
        expected = ", ".join(sorted(wanted))
        done.unplaced.append((lms_file.entry, f"{student}: not a file of {done.assignment} (expected {expected})"))
        return None
    return Candidate(student, match[0], lms_file, match[1])
