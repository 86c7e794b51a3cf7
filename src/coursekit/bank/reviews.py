"""The blind reviews of the graded quizzes, and the check that the bank's ``bloom`` labels agree with the latest.

A review pass is a folder ``reviews/pass-N/`` with one ``review-<quiz>.yaml`` per quiz, written by a
reviewer who saw only the reading and the quiz as students see it. Per item it gives ``id`` and
``level`` (and flaws, the reviewer's key and notes, which this module does not read). The latest pass
(highest N) is the reference: a label that disagrees with it is an error, since the shares the quality
gate reports must be the independent reader's, not the author's. A question that pass has not seen
(new since), or has seen in another wording, is a warning until the next pass: ``reviewed.yaml`` in a pass
records a fingerprint of each question as the reviewer saw it (``record_pass``), so a question rewritten
under the same id is not judged by a review of its old text.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from .parse import Problem
from .schema import BLOOM_LEVELS, BankFile

_PASS = re.compile(r"^pass-(\d+)$")
MANIFEST = "reviewed.yaml"


@dataclass(frozen=True)
class Review:
    """One quiz's blind review: where it is, and the reviewer's level for each question id."""

    path: Path
    levels: dict[str, str]
    seen: dict[str, str] | None = None  # question id -> fingerprint of what the reviewer read; None: not recorded

    def level_of(self, q) -> str | None:
        """The reviewer's level for ``q``, or None if this review did not read ``q`` as it now stands."""
        if self.seen is not None and self.seen.get(q.id) != fingerprint(q):
            return None
        return self.levels.get(q.id)


def fingerprint(q) -> str:
    """A short hash of what a student (and so a blind reviewer) sees of a question before grading."""
    text = json.dumps(q.public(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def record_pass(quizzes: list[BankFile], folder: Path, *, source: str) -> Path:
    """Write ``folder/reviewed.yaml``: the fingerprint of every question a pass reads (``source``: which commit)."""
    data = {"source": source, "questions": {q.id: fingerprint(q) for quiz in quizzes for q in quiz.questions}}
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{MANIFEST}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(
            "# What this blind pass read: a fingerprint of each question's student view (coursekit.bank.reviews).\n"
        )
        yaml.safe_dump(data, f, sort_keys=False, allow_unicode=True)
    os.replace(tmp, folder / MANIFEST)
    return folder / MANIFEST


def _seen(folder: Path) -> dict[str, str] | None:
    try:
        data = yaml.safe_load((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    questions = data.get("questions") if isinstance(data, dict) else None
    return {str(k): str(v) for k, v in questions.items()} if isinstance(questions, dict) else None


def latest_pass(reviews: Path) -> Path | None:
    """The ``pass-N`` folder with the highest N, or None if there is none."""
    passes = [(int(m.group(1)), p) for p in reviews.glob("pass-*") if p.is_dir() and (m := _PASS.match(p.name))]
    return max(passes)[1] if passes else None


def load_review(path: Path) -> Review | Problem:
    """The review in ``path``, or one problem that says what is wrong with the file."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        return Problem(path, 0, f"cannot read this review ({type(e).__name__}). Restore it from the reviewer's copy.")
    items = data.get("items") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return Problem(path, 0, "a review needs `items:`, a list of `- id:` / `level:` entries. Restore the file.")
    levels = {}
    for item in items:
        qid, level = (item.get("id"), item.get("level")) if isinstance(item, dict) else (None, None)
        if not isinstance(qid, str) or level not in BLOOM_LEVELS:
            return Problem(
                path, 0, f"item {item!r:.60} has no question `id` or no `level` ({', '.join(BLOOM_LEVELS)})."
            )
        levels[qid] = level
    return Review(path, levels, _seen(path.parent))


def label_problems(
    quizzes: list[BankFile], reviews: Path, places: dict[str, tuple[Path, int]]
) -> tuple[list[Problem], list[Problem]]:
    """(errors, warnings): labels that disagree with the latest pass, and what that pass has not reviewed."""
    folder = latest_pass(reviews)
    if folder is None:
        return [], []
    errors, warnings = [], []
    for quiz in quizzes:
        path = folder / f"review-{quiz.assignment}.yaml"
        if not path.is_file():
            warnings.append(Problem(path, 0, f"quiz '{quiz.assignment}' has no blind review in {folder.name}."))
            continue
        review = load_review(path)
        if isinstance(review, Problem):
            errors.append(review)
            continue
        errors += _disagreements(quiz, review, places)
        unseen = [q.id for q in quiz.questions if review.level_of(q) is None]
        if unseen:
            text = (
                f"{len(unseen)} question(s) of '{quiz.assignment}' are not in this blind review yet "
                f"({', '.join(unseen)}): their `bloom` labels are the author's until the next pass reads them."
            )
            warnings.append(Problem(path, 0, text))
    return errors, warnings


def _disagreements(quiz: BankFile, review: Review, places: dict[str, tuple[Path, int]]) -> list[Problem]:
    found = []
    for q in quiz.questions:
        level = review.level_of(q)
        if level is None or level == (q.bloom or "remember"):
            continue
        path, line = places.get(q.id, (review.path, 0))
        text = (
            f"question '{q.id}': `bloom: {q.bloom or '(none)'}` but the latest blind review ({review.path}) reads "
            f"it as '{level}'. Label it '{level}', or rewrite the question and have the next pass read it."
        )
        found.append(Problem(path, line, text))
    return found


def blind_shares(quiz: BankFile, review: Review) -> tuple[float, float, float] | None:
    """(share above recall, share at apply or above, share of points reviewed) of the auto-graded points, by the
    reviewer's levels; None if the quiz has no auto-graded points."""
    auto = quiz.auto_graded()
    total = sum(q.points for q in auto)
    if not total:
        return None
    levels = {q.id: review.level_of(q) for q in auto}
    above = sum(q.points for q in auto if levels[q.id] not in (None, "remember"))
    apply = sum(q.points for q in auto if levels[q.id] in BLOOM_LEVELS[2:])
    seen = sum(q.points for q in auto if levels[q.id] is not None)
    return above / total, apply / total, seen / total
