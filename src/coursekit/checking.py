"""``coursekit check``: validate the bank against its schema, the reading and the book."""

from __future__ import annotations

import json
from pathlib import Path

from .bank import load_bank
from .course import find_course
from .errors import CourseError
from .reading import load_reading
from .schema import json_schema


def check_course(*, paths: list[Path] | None = None, reading: Path | None = None, schema_out: Path | None = None) -> str:
    """Validate the bank; return a one-paragraph summary or raise BankError listing every problem."""
    if not paths or reading is None:
        course = find_course()
        paths = paths or [course.bank_dir]
        reading = reading or course.reading
    if not reading.is_file():
        raise CourseError(f"{reading}: reading not found; quotes cannot be checked. Pass --reading PATH.")
    bank = load_bank(list(paths), reading=load_reading(reading))
    if schema_out:
        schema_out.write_text(json.dumps(json_schema(), indent=2) + "\n", encoding="utf-8")
    graded = sorted(bank.assignments())
    practice = sum(1 for q in bank.questions if bank.kind_of(q) == "practice")
    return (
        f"ok: {len(bank.questions)} questions in {len(bank.files)} files; "
        f"graded quizzes: {', '.join(graded) or 'none'}; practice questions: {practice}."
    )
