"""`coursekit answers`: the typed answers (text and numeric) of a graded class, grouped so one decision grades a group.

Answers come from the ledger (what was handed in) and are scored with the bank as it is now, so after a bank edit the
listing already shows what a regrade would give. Groups are numbered by how many students gave them, so a decision
about one group renumbers no other. Answers are grouped by what the matcher compares (their words
without case, punctuation, articles, plurals; a number by its value). Listed: the groups that get no credit or partial
credit, the groups that are right only because a remark in brackets was left out (for a grader to check), and with
``everything`` the right groups too, each with how it matched. ``accept_group`` and ``refuse_group`` write a group's
commonest spelling into the question's `accept` or `refuse` list (``bank_edit.py``).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ...bank.load import load_bank
from ...bank.matching import group_key
from ...bank.numbers import read_number
from ...course import Course, find_course
from ...errors import CourseError
from ..intake import ledger
from ..parallel.fastimport import without_iri_grammar
from ..scoring.key import load_quiz
from ..scoring.rules import score

with without_iri_grammar():  # nbformat's jsonschema would build grammars no notebook uses (seconds of CPU)
    from ..audit import quiz_notebooks

TYPED = ("text", "numeric")
SECTIONS = {"wrong": "no or partial credit", "review": "right only by leaving out a remark in brackets (check these)",
            "right": "right"}  # fmt: skip


@dataclass
class Group:
    """Answers that read the same to the matcher, and what they earn."""

    number: int
    section: str  # "wrong", "review" or "right" (SECTIONS)
    spellings: Counter  # each spelling as typed -> how many gave it
    students: list[str]
    points: float
    max_points: float
    matched: str  # how the matcher read it, in words ("" for nothing)

    @property
    def shown(self) -> str:
        """The commonest spelling (the first typed, on a tie)."""
        return self.spellings.most_common(1)[0][0]


@dataclass
class QuestionAnswers:
    question: object  # the bank's model
    path: object  # its bank file
    groups: list[Group] = field(default_factory=list)
    blank: int = 0


def review_answers(*, assignment: str, question: str | None = None) -> list[QuestionAnswers]:
    """Every text and numeric question of ``assignment`` (or only ``question``) with its answers, grouped."""
    course = find_course()
    found = []
    for quiz in _quizzes(course, assignment):
        bank = load_quiz(course, quiz)
        handed = _handed_in(course, assignment, quiz)
        for q in bank.questions:
            if q.type in TYPED and question in (None, q.id):
                found.append(_question_answers(handed, q, _bank_path(course, quiz, q.id)))
    if question and not found:
        raise CourseError(f"'{question}' is not a text or numeric question of '{assignment}'; run `coursekit answers "
                          f"{assignment}` to list them.")  # fmt: skip
    return found


def _bank_path(course: Course, quiz: str, qid: str) -> Path:
    own = course.bank_dir / f"{quiz}.yaml"
    if own.is_file() and qid in load_bank([own]).questions:
        return own
    return load_bank([course.bank_dir]).origin[qid]


def _quizzes(course: Course, assignment: str) -> list[str]:
    quizzes = sorted(set(quiz_notebooks(course.assignments / "source" / assignment).values()))
    if not quizzes:
        raise CourseError(f"{course.assignments / 'source' / assignment}: no coursekit quiz notebooks in "
                          f"'{assignment}'; is the name right?")  # fmt: skip
    return quizzes


def _handed_in(course: Course, assignment: str, quiz: str) -> dict[str, dict]:
    """student -> the quiz's answers as handed in (from the ledger), for every student it records."""
    root = course.assignments
    entries = {s: ledger.entry(root, assignment, s, quiz) for s in ledger.students(root, assignment)}
    return {s: e.handed_in().values for s, e in entries.items() if e is not None}


def _question_answers(handed: dict[str, dict], q, path) -> QuestionAnswers:
    given: dict[tuple, Group] = {}  # (what the matcher compares, points) -> its group: one decision grades it all
    out = QuestionAnswers(q, path)
    for student, values in sorted(handed.items()):
        value = values.get(q.id)
        if value is None or (isinstance(value, str) and not value.strip()):
            out.blank += 1
            continue
        key, spelling = _grouping(q, value)
        result = score(q, value)
        group = given.setdefault((key, result.points), _group(q, result))
        group.spellings[spelling] += 1
        group.students.append(student)
    out.groups = _numbered(list(given.values()))
    return out


def _grouping(q, value) -> tuple[str, str]:
    """(what groups it, how it was typed) for one answer."""
    spelling = " ".join(value.split()) if isinstance(value, str) else repr(value)
    if q.type == "numeric":
        number = read_number(value, q.unit).value if isinstance(value, str) else value
        numeric = isinstance(number, int | float) and not isinstance(number, bool)
        return (f"{number:g}" if numeric else spelling), spelling
    return (group_key(value) if isinstance(value, str) else f"(not text) {spelling}"), spelling


def _group(q, result) -> Group:
    aside = result.matched.endswith("leaving out the remark in brackets")
    section = "wrong" if result.points < q.points else "review" if aside else "right"
    return Group(0, section, Counter(), [], result.points, q.points, result.matched)


def _numbered(groups: list[Group]) -> list[Group]:
    """Numbered from 1 by how many gave them, whatever they score now, so that accepting one group renumbers no other
    (the numbers `--accept` and `--refuse` take); listed wrong first, then to review, then right."""
    groups.sort(key=lambda g: (-len(g.students), g.shown.casefold(), g.points))
    for i, g in enumerate(groups, start=1):
        g.number = i
    order = list(SECTIONS)
    return sorted(groups, key=lambda g: (order.index(g.section), g.number))


# ---------- a grader's decision about one group ----------


@dataclass(frozen=True)
class Decision:
    """A form written into the bank: where, and for how many students' answers."""

    assignment: str
    path: Path
    line: int
    field: str  # "accept" or "refuse"
    text: str
    question: str
    students: int

    def summary(self) -> str:
        gave = f"{self.students} student(s) gave it" if self.students else "no student gave it yet"
        return (f"added “{self.text}” under `{self.field}` of {self.question} in {self.path}:{self.line} ({gave}).\n"
                f"Preview the new scores with `coursekit regrade {self.assignment} --dry-run`, then apply them without "
                "--dry-run.")  # fmt: skip


def decide_group(*, assignment: str, question: str | None, group: str, field: str) -> Decision:
    """Write a group's commonest spelling into ``question``'s ``field`` ("accept" or "refuse") in its bank file.
    ``group`` is a group's number as ``coursekit answers`` lists it, or a text (a group with the same words, or an
    answer nobody gave yet)."""
    from .bank_edit import add_form

    if not question:
        raise CourseError(f"name the question: coursekit answers {assignment} QUESTION --{field} {group}")
    [found] = review_answers(assignment=assignment, question=question)
    q = found.question
    if q.type != "text":
        raise CourseError(f"question '{q.id}' is numeric: it has one answer and a tolerance; change those in "
                          f"{found.path} instead.")  # fmt: skip
    chosen = _chosen(found, group)
    text = chosen.shown if chosen else " ".join(group.split())
    _can_decide(q, chosen, field, text)
    line = add_form(found.path, q.id, field, text)
    return Decision(assignment, found.path, line, field, text, q.id, len(chosen.students) if chosen else 0)


def _chosen(found: QuestionAnswers, group: str) -> Group | None:
    if group.strip().isdigit():
        number = int(group)
        match = [g for g in found.groups if g.number == number]
        if not match:
            raise CourseError(f"question '{found.question.id}' has no group {number}; `coursekit answers` lists them.")
        return match[0]
    key = group_key(group)
    return next((g for g in found.groups if group_key(g.shown) == key), None)


def _can_decide(q, chosen: Group | None, field: str, text: str) -> None:
    if not group_key(text):
        raise CourseError(f"{text!r} has no words to match; give a group number or an answer with words.")
    if not all(c.isprintable() for c in text):
        raise CourseError(f"{text!r} holds characters no one types (control characters); to decide it, give the answer "
                          f"as text instead: --{field} 'THE ANSWER'")  # fmt: skip
    refused = chosen is not None and chosen.matched.startswith("the refused answer")
    if field == "accept" and refused:
        raise CourseError(f"“{text}” is {chosen.matched}: remove that entry from `refuse` of '{q.id}' to accept it.")
    if field == "accept" and chosen is not None and chosen.section != "wrong":
        raise CourseError(f"“{text}” already gets full credit ({chosen.matched}); nothing to accept.")
    if field == "refuse" and chosen is not None and chosen.section == "wrong":
        raise CourseError(f"“{text}” gets no credit already; nothing to refuse.")
