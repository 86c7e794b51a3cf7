"""The course side of `coursekit grade`: which submissions there are, and the journal of work in flight."""

from __future__ import annotations

import difflib
import glob
import os
import re
from pathlib import Path

from ..errors import CourseError


def submissions(coursedir, assignment: str, only: list[str] | None) -> list[str]:
    """Students with a submitted/<student>/<assignment>/ folder, checked against the gradebook."""
    from nbgrader.api import Gradebook

    db_file = coursedir.db_url.removeprefix("sqlite:///") if coursedir.db_url.startswith("sqlite:///") else None
    if db_file and not os.path.isfile(db_file):  # opening it would create an empty gradebook
        raise CourseError(
            f"{db_file}: no gradebook yet; release the assignment first (coursekit release {assignment})."
        )
    with Gradebook(coursedir.db_url, coursedir.course_id) as gb:
        known = sorted(a.name for a in gb.assignments)
    submitted = Path(coursedir.root) / coursedir.submitted_directory
    found = submitted_students(coursedir, assignment)
    if assignment not in known:
        close = difflib.get_close_matches(assignment, known, n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"release it first (coursekit release {assignment})."
        raise CourseError(
            f"unknown assignment '{assignment}': not in the gradebook {coursedir.db_url} "
            f"(assignments: {', '.join(known) or 'none'}); {hint}"
        )
    if only:
        missing = sorted(set(only) - set(found))
        if missing:
            raise CourseError(f"no submission of '{assignment}' from {', '.join(missing)} in {submitted}/.")
        found = sorted(set(only))
    if not found:
        raise CourseError(
            f"no submissions of '{assignment}' in {submitted}/<student>/{assignment}/: collect them first "
            "(nbgrader collect or zip_collect)."
        )
    return found


def submitted_students(coursedir, assignment: str) -> list[str]:
    """Student ids of the submission folders, matched as nbgrader's BaseConverter.init_notebooks does."""
    pattern = coursedir.format_path(coursedir.submitted_directory, "*", assignment)
    regexp = re.compile(
        coursedir.format_path(coursedir.submitted_directory, "(?P<student>.*)", assignment, escape=True)
    )
    found = (regexp.fullmatch(path) for path in glob.glob(pattern) if os.path.isdir(path))
    return sorted(m["student"] for m in found if m)


class Journal:
    """Marker files for submissions in flight, and a lock so two grading runs never overlap."""

    def __init__(self, root: Path, assignment: str):
        self.dir = root / ".coursekit-grading" / assignment
        self.assignment = assignment

    def __enter__(self):
        import fcntl

        self.dir.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.dir / ".lock", "w")  # noqa: SIM115 - held for the whole run
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._lock.close()
            raise CourseError(
                f"another `coursekit grade {self.assignment}` is running; wait for it to finish."
            ) from None
        return self

    def __exit__(self, *exc):
        self._lock.close()

    def begin(self, student: str) -> None:
        (self.dir / student).touch()

    def end(self, student: str) -> None:
        (self.dir / student).unlink(missing_ok=True)

    def recover(self, coursedir) -> list[str]:
        """Students a killed run left half-done: drop their partial output so nbgrader grades them again."""
        from nbgrader.utils import rmtree

        left = sorted(p.name for p in self.dir.iterdir() if not p.name.startswith("."))
        for student in left:
            dest = coursedir.format_path(coursedir.autograded_directory, student, self.assignment)
            if os.path.isdir(dest):
                rmtree(dest)
            self.end(student)
        return left
