"""Where a course's parts live: the bank, the reading, the nbgrader course directory."""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from .errors import CourseError


@dataclass(frozen=True)
class Course:
    root: Path  # the repository: holds assignments/ and book/

    @property
    def assignments(self) -> Path:
        return self.root / "assignments"

    @property
    def bank_dir(self) -> Path:
        return self.assignments / "bank"

    @property
    def book(self) -> Path:
        return self.root / "book"

    @property
    def reading(self) -> Path:
        return self.book / "reading.md"

    @property
    def settings(self) -> Path:
        """Instructor options for grading, e.g. whether feedback shows the key."""
        return self.assignments / "coursekit.toml"

    def assignment_names(self, *, practice: bool = False, essays: bool = False) -> list[str]:
        """The assignments this course knows: folders in source/ and release/ and the quizzes the bank declares
        (read from each file's ``assignment:`` line, so a bank with a mistake in it still names them); with
        ``practice`` the practice sets (practice/<stem>), with ``essays`` the essay ids."""
        names = {p.name for part in ("source", "release") for p in (self.assignments / part).glob("*/") if p.is_dir()}
        names |= set(_declared(self.bank_dir.glob("*.yaml"), "assignment"))
        if practice:
            names |= {f"practice/{p.stem}" for p in (self.bank_dir / "practice").glob("*.yaml")}
        if essays:
            names |= set(_declared((self.bank_dir / "essays").glob("*.yaml"), "id"))
        return sorted(n for n in names if not n.startswith("."))


def _declared(paths, key: str) -> list[str]:
    line = re.compile(rf"^{key}:\s*['\"]?([\w./-]+)", re.M)
    found = (line.search(p.read_text(encoding="utf-8", errors="replace")) for p in paths)
    return [m[1] for m in found if m]


def check_assignments(course: Course, names: list[str], **kinds: bool) -> None:
    """Raise CourseError naming the first of ``names`` this course does not know, with the closest names."""
    known = course.assignment_names(**kinds)
    for name in names:
        if name not in known:
            close = difflib.get_close_matches(name, known, n=2, cutoff=0.6)
            hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise CourseError(
                f"unknown assignment '{name}'; the course at {course.root} has: {', '.join(known) or 'none yet'}.{hint}"
            )


def find_course(start: Path | None = None) -> Course:
    """The course that contains ``start`` (default: $COURSEKIT_COURSE, else the cwd)."""
    env = os.environ.get("COURSEKIT_COURSE")
    here = Path(env or start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "assignments" / "bank").is_dir():
            return Course(folder)
    if env:  # the variable overrides the folder the user is in: name it, or they look for the fault in the wrong place
        what = "does not exist" if not here.exists() else "is not inside a coursekit course (no assignments/bank/)"
        raise CourseError(
            f"COURSEKIT_COURSE={env} {what}. Set COURSEKIT_COURSE to the course repository, or unset it "
            "to use the folder you are in."
        )
    raise CourseError(
        f"{here}: not inside a coursekit course (no assignments/bank/ here or above). "
        "Run the command from the course repository, or set COURSEKIT_COURSE to it."
    )
