"""The one exception type whose message is meant for a person, not a developer."""

from __future__ import annotations


class CourseError(Exception):
    """A mistake in the user's input or setup.

    The CLI prints ``str(error)`` on one line and exits non-zero, never a traceback.
    The message names the file (and line or question id) and says what to do.
    """

    exit_code = 1


class BankError(CourseError):
    """The question bank has problems; ``problems`` lists each one (``warnings``: findings that alone would pass)."""

    def __init__(self, problems: list[str], warnings: list[str] | None = None):
        self.problems = problems
        self.warnings = list(warnings or [])
        super().__init__("\n".join(problems))
