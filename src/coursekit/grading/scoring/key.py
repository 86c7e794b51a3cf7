"""The key, on the grader's side only: finding a graded quiz in the bank, and scoring handed-in answers against it.

``load_quiz`` is the one place that finds a graded quiz's key in the bank; it reads only the quiz's
own bank file when it can. Nothing in ``notebook/`` (what runs in a student's kernel) imports this.
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterable
from pathlib import Path

from ...bank.load import load_bank
from ...bank.matching import RULES_VERSION
from ...bank.schema import BankFile
from ...course import Course
from ...errors import CourseError
from ..intake.answers_file import HandedIn
from .rules import Score, score


def grade_answers(questions: Iterable, handed: HandedIn) -> dict[str, Score]:
    """The score of every auto-graded question, by id; missing answers score 0 as unanswered."""
    return {q.id: _score(q, handed) for q in questions if q.type != "written"}  # written: a grader scores it


def _score(q, handed: HandedIn) -> Score:
    if q.id in handed.spoiled:
        return Score(0.0, q.points, "invalid", handed.spoiled[q.id])
    return score(q, handed.values.get(q.id))


def key_version(questions: Iterable) -> str:
    """A short fingerprint of what scores a quiz and writes its feedback: its auto-graded questions as the bank states
    them now, and the matcher's rules. The ledger records it for each graded submission (``coursekit regrade``)."""
    dumped = [q.model_dump(mode="json") for q in questions if q.type != "written"]
    blob = json.dumps({"rules": RULES_VERSION, "questions": dumped}, sort_keys=True, ensure_ascii=False)
    return "bank-" + hashlib.sha256(blob.encode("utf-8")).hexdigest()[:12]


def unknown_ids(questions: Iterable, handed: HandedIn) -> list[str]:
    """Answer ids that name no question of the quiz (ignored in grading, reported in feedback)."""
    known = {q.id for q in questions}
    found = [*handed.values, *handed.spoiled]
    return sorted(str(k)[:60] for k in found if k not in known)


def load_quiz(course: Course, name: str) -> BankFile:
    """The graded bank file of quiz ``name``: ``bank/<name>.yaml`` if it defines it, else a search of the bank."""
    own = course.bank_dir / f"{name}.yaml"
    if own.is_file():
        quiz = next(iter(load_bank([own]).files.values()))
        if quiz.kind == "graded" and quiz.assignment == name:
            return quiz
    return load_bank([course.bank_dir]).assignment(name)


def show_key_setting(course: Course) -> bool:
    """``[feedback] show_key`` from assignments/coursekit.toml (default false: no key in feedback)."""
    path: Path = course.settings
    if not path.is_file():
        return False
    try:
        value = tomllib.loads(path.read_text(encoding="utf-8")).get("feedback", {}).get("show_key", False)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, AttributeError) as e:
        raise CourseError(f"{path}: not valid TOML ({e}); fix it or delete it to use the defaults") from None
    if not isinstance(value, bool):
        raise CourseError(f"{path}: [feedback] show_key must be true or false, not {value!r}")
    return value
