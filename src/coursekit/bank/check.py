"""``coursekit check``: validate the bank against its schema, the reading, the item-writing rules and the book."""

from __future__ import annotations

import contextlib
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..course import Course, find_course
from ..errors import BankError, CourseError
from .essays import check_essay_files, is_essay_file, load_essays
from .lint import APPLY_LEVELS, comprehension_share
from .load import Checked, check_bank
from .messages import suggest
from .parse import Problem
from .reading import load_sections
from .references import reference_keys
from .rehearsal import practice_of
from .reviews import blind_shares, label_problems, latest_pass, load_review
from .schema import json_schema

# A fence line: ``` or ~~~ (code or directive) or ::: (directive), then its info string.
_FENCE = re.compile(r"^\s*(`{3,}|~{3,}|:{3,})(.*)$")
_QUIZ_INFO = re.compile(r"^\{quiz\}[ \t]*(\S*)")
_SKIP_DIRS = {"_build", "node_modules", ".ipynb_checkpoints"}


def quiz_refs(book_dir: Path) -> list[tuple[Path, int, str]]:
    """Every ```{quiz} ID``` use in the book's Markdown pages: (file, 1-based line, id; "" if none).

    Quiz blocks shown inside a literal code block (e.g. a page explaining the syntax) are skipped.
    """
    refs = []
    for page in sorted(book_dir.rglob("*.md")):
        if _SKIP_DIRS & set(page.relative_to(book_dir).parts) or page.name.startswith("."):
            continue
        refs += [(page, line, qid) for line, qid in _refs_in(page.read_text(encoding="utf-8", errors="replace"))]
    return refs


def _refs_in(text: str) -> list[tuple[int, str]]:
    found, open_fences = [], []  # open_fences: (fence, is_literal) of the blocks we are inside
    for n, line in enumerate(text.splitlines(), start=1):
        fence = _FENCE.match(line)
        if not fence:
            continue
        marks, info = fence.group(1), fence.group(2).strip()
        if open_fences and _closes(marks, info, open_fences[-1][0]):
            open_fences.pop()
        elif open_fences and open_fences[-1][1]:
            continue  # inside literal code: nothing is a directive
        else:
            quiz = _QUIZ_INFO.match(info)
            if quiz:
                found.append((n, quiz.group(1)))
            open_fences.append((marks, not info.startswith("{")))
    return found


def _closes(marks: str, info: str, opener: str) -> bool:
    """Does this fence close a block opened by ``opener`` (same character, at least as long, no info)?"""
    return not info and marks[0] == opener[0] and len(marks) >= len(opener)


def ref_problems(book_dir: Path, checked: Checked) -> list[Problem]:
    """Book self-checks that name no bank question, or a graded one (whose key the book would publish)."""
    problems = []
    for page, line, qid in quiz_refs(book_dir):
        kind = checked.kinds.get(qid)
        if not qid:
            text = "a quiz block names no question. Write the question id after {quiz}."
        elif kind is None:
            text = (
                f"quiz '{qid}' is not in the bank{suggest(qid, checked.kinds)}. Fix the id, or add the question "
                "to a practice file in assignments/bank/practice/."
            )
        elif kind == "graded":
            where = f"{checked.places[qid][0]}:{checked.places[qid][1]}"
            text = (
                f"quiz '{qid}' is a graded question ({where}); the book is public and its self-checks carry "
                "the key. Use a practice question here."
            )
        else:
            continue
        problems.append(Problem(page, line, text))
    return problems


def write_schema(path: Path) -> None:
    """Write the bank's JSON Schema atomically, so an editor never reads half a file."""
    text = json.dumps(json_schema(), indent=2) + "\n"
    if not path.parent.is_dir():
        raise CourseError(f"{path}: folder {path.parent} does not exist. Create it or choose another --schema path.")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)


@dataclass(frozen=True)
class CheckReport:
    """A passing check: its one-paragraph summary and the warnings that do not fail it."""

    summary: str
    warnings: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return self.summary


def check_course(
    *, paths: list[Path] | None = None, reading: Path | None = None, schema_out: Path | None = None
) -> CheckReport:
    """Validate the bank, its item writing (``lint.py``) and, for the whole course, the book's quiz references.

    Return the summary and any warnings, or raise BankError listing every error (and the warnings).
    """
    if schema_out:
        write_schema(schema_out)  # first: an author fixing a broken bank wants editor help
    if paths and all(is_essay_file(p) for p in paths):
        return _essays_only(list(paths))
    course = _course(required=not paths)
    whole = not paths
    paths = list(paths) if paths else [course.bank_dir]
    reading = reading or (course.reading if course else None)
    if reading is not None and not reading.is_file():
        raise CourseError(f"{reading}: reading not found, so quotes cannot be checked. Pass --reading PATH.")
    sections = load_sections(reading) if reading else None
    checked = check_bank(paths, sections, _reference_keys(course, reading), _course_practice(course, paths, whole))
    review_errors, review_warnings = _review_problems(course, checked)
    problems = checked.problems + [p for p in checked.lints if p.severity == "error"] + review_errors
    warnings = [str(p) for p in [*checked.lints, *review_warnings] if p.severity != "error" or p in review_warnings]
    book = course.book if (whole and course and course.book.is_dir()) else None
    if book is not None:
        problems = problems + ref_problems(book, checked)
    essays, essay_problems = load_essays(course.bank_dir) if whole and course else ([], [])
    problems = problems + essay_problems
    if problems:
        raise BankError([str(p) for p in problems], warnings=warnings)
    summary = _summary(checked, book, reading, course)
    return CheckReport(summary[:-1] + f"; essays: {len(essays)}." if essays else summary, warnings)


def _essays_only(paths: list[Path]) -> CheckReport:
    """``coursekit check essays/x.yaml``: an essay file is checked as an essay, not as a bank file."""
    essays, problems = check_essay_files(paths)
    if problems:
        raise BankError([str(p) for p in problems])
    return CheckReport(f"ok: {_count(len(essays), 'essay')} ({', '.join(e.id for e in essays)}).")


def _reviews(course: Course | None) -> Path | None:
    folder = course.bank_dir / "reviews" if course else None
    return folder if folder and folder.is_dir() else None


def _review_problems(course: Course | None, checked: Checked) -> tuple[list[Problem], list[Problem]]:
    """The bank's labels against the latest blind review (``reviews.py``), for the graded quizzes checked."""
    folder = _reviews(course)
    if folder is None:
        return [], []
    return label_problems(_reviewed_quizzes(course, checked), folder, checked.places)


def _reviewed_quizzes(course: Course | None, checked: Checked) -> list:
    """The graded quizzes checked that live in the course's bank (a fixture elsewhere has no review)."""
    bank = course.bank_dir.resolve() if course else None
    found = [f for p, f in checked.bank.files.items() if f.kind == "graded" and bank in p.resolve().parents]
    return sorted(found, key=lambda f: f.assignment or "")


def _course_practice(course: Course | None, paths: list[Path], whole: bool) -> list[tuple[object, str]]:
    """The course's practice questions, whose keys graded keys must not repeat, for a check of some of the bank's
    files (a check of the whole bank reads them itself; a file outside the bank, such as a fixture, is not the
    course's)."""
    bank = course.bank_dir.resolve() if course else None
    inside = bank is not None and any(bank == p.resolve() or bank in p.resolve().parents for p in paths)
    folder = course.bank_dir / "practice" if inside and not whole else None
    if folder is None or not folder.is_dir():
        return []
    checked = check_bank([folder])
    return practice_of(checked.bank, checked.places)


def _reference_keys(course: Course | None, reading: Path | None) -> dict[str, int] | None:
    """The keys of the book's references.md (next to the reading), or None if there is none to check against."""
    book = course.book if course else (reading.parent if reading else None)
    page = book / "references.md" if book else None
    return reference_keys(page) if page and page.is_file() else None


def _course(*, required: bool) -> Course | None:
    """The course around the cwd, with paths relative to the cwd when inside it (shorter messages)."""
    try:
        course = find_course()
    except CourseError:
        if required:
            raise
        return None
    with contextlib.suppress(ValueError):
        return Course(course.root.relative_to(Path.cwd().resolve()))
    return course


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _share(quiz) -> str:
    part, total = comprehension_share(quiz)
    apply, _ = comprehension_share(quiz, APPLY_LEVELS)
    return f"{quiz.assignment} {_pct(part, total)} (apply or above {_pct(apply, total)})"


def _pct(part: float, total: float) -> str:
    return f"{int(100 * part / total) if total else 0}%"


def _blind(quizzes: list, reviews: Path | None) -> str:
    """Each quiz's shares by the latest blind review: above recall, and at apply or above."""
    folder = latest_pass(reviews) if reviews else None
    found = []
    for quiz in quizzes if folder else []:
        review = load_review(folder / f"review-{quiz.assignment}.yaml")
        shares = blind_shares(quiz, review) if not isinstance(review, Problem) else None
        if shares:
            above, apply, seen = shares
            unread = "" if seen == 1 else f", {_pct(1 - seen, 1)} of the points not read yet"
            found.append(f"{quiz.assignment} {_pct(above, 1)} (apply or above {_pct(apply, 1)}{unread})")
    return f"; by the blind review {folder.name}: {', '.join(found)}" if found else ""


def _summary(checked: Checked, book: Path | None, reading: Path | None, course: Course | None = None) -> str:
    bank = checked.bank
    graded = sorted(bank.assignments())
    practice = sum(1 for q in bank.questions if bank.kind_of(q) == "practice")
    text = (
        f"ok: {_count(len(bank.questions), 'question')} in {_count(len(bank.files), 'file')}; "
        f"graded quizzes: {', '.join(graded) or 'none'}; practice questions: {practice}"
    )
    quizzes = [f for f in sorted(bank.files.values(), key=lambda f: f.assignment or "") if f.kind == "graded"]
    if quizzes:
        shares = ", ".join(map(_share, quizzes))
        text += f"; comprehension share of the auto-graded points, by the bank's labels: {shares}"
        text += _blind(_reviewed_quizzes(course, checked), _reviews(course))
    if reading is None:
        text += "; quotes NOT checked (no reading found; pass --reading PATH)"
    if book is not None:
        text += f"; book self-checks: {len(quiz_refs(book))}"
    return text + "."
