"""Where a course's parts live: the bank, the reading, the nbgrader course directory."""

from __future__ import annotations

import os
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


def find_course(start: Path | None = None) -> Course:
    """The course that contains ``start`` (default: $COURSEKIT_COURSE, else the cwd)."""
    env = os.environ.get("COURSEKIT_COURSE")
    here = Path(env or start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "assignments" / "bank").is_dir():
            return Course(folder)
    raise CourseError(
        f"{here}: not inside a coursekit course (no assignments/bank/ here or above). "
        "Run the command from the course repository, or set COURSEKIT_COURSE to it."
    )
