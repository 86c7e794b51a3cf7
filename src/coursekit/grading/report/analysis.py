"""The item report of one assignment: statistics per question and per quiz, flags in plain words, warnings.

``analyse(cohort)`` is pure: it turns a Cohort (``report_data.py``) into a Report. Thresholds are the
usual ones of classical item analysis and are named here once.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from . import stats as st
from .data import Cohort, Item
from .options import CHOICE_TYPES, Options, option_counts, top_group_prefers, unused_distractors

TOO_EASY = 0.9  # facility above this: nearly everyone gets it
TOO_HARD = 0.2  # facility below this
LOW_DISCRIMINATION = 0.2  # corrected item-total r below this
MIN_STUDENTS = 10  # below this, no flags: the numbers move too much with one student
FEW_STUDENTS = 30  # below this, a caution: discrimination and reliability are rough


@dataclass(frozen=True)
class ItemReport:
    item: Item
    n: int
    facility: float
    item_total: float  # corrected item-total correlation
    upper_lower: float  # upper-lower 27 % index
    mean: float  # mean points
    blank: int  # students who left it blank (or, written, handed it in unchanged)
    ungraded: int  # written answers still to grade
    options: Options | None
    group: int = 0  # students in each of the upper and lower groups
    flags: tuple[str, ...] = ()

    def share(self, count: int) -> float:
        """``count`` students as a share of all the students of the report (one denominator everywhere)."""
        return count / self.n if self.n else 0.0

    @property
    def waiting(self) -> bool:
        """Written answers still to grade: its numbers are not final, so it is never flagged."""
        return self.ungraded > 0


@dataclass
class Report:
    assignment: str
    subset: str  # "" for the whole class, else e.g. "section A"
    students: list[str]
    items: list[ItemReport]
    totals: np.ndarray
    max_total: float
    alpha: float
    kr20: bool  # every item is 0/1: alpha is KR-20
    summary: dict[str, float]
    warnings: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)

    @property
    def n(self) -> int:
        return len(self.students)

    def flagged(self) -> list[ItemReport]:
        return [r for r in self.items if r.flags]


def analyse(cohort: Cohort, subset: str = "") -> Report:
    """The report of ``cohort``: every statistic, flag and warning."""
    scores, n = cohort.scores, len(cohort.students)
    totals = scores.sum(axis=1)
    upper, lower = st.groups(totals)
    points = np.array([it.points for it in cohort.items])
    reports = [_item(cohort, j, totals, upper, lower) for j in range(len(cohort.items))]
    report = Report(
        assignment=cohort.assignment,
        subset=subset,
        students=list(cohort.students),
        items=reports,
        totals=totals,
        max_total=float(points.sum()),
        alpha=st.cronbach_alpha(scores),
        kr20=st.is_dichotomous(scores, points),
        summary=st.summary(totals),
        names=dict(cohort.names),
    )
    report.warnings = _warnings(cohort, report, n)
    return report


def _item(cohort: Cohort, j: int, totals, upper, lower) -> ItemReport:
    it, column = cohort.items[j], cohort.scores[:, j]
    values = _known(cohort, cohort.answers.get(it.id))
    options = option_counts(it.question, values, upper, lower) if it.question is not None else None
    blank = sum(v is None for v in values) if values is not None else cohort.blank_written.get(it.id, 0)
    report = ItemReport(
        item=it,
        n=len(column),
        facility=st.facility(column, it.points),
        item_total=st.corrected_item_total(column, totals),
        upper_lower=st.upper_lower(column, totals, it.points),
        mean=float(column.mean()) if len(column) else math.nan,
        blank=blank,
        ungraded=cohort.ungraded.get(it.id, 0),
        options=options,
        group=len(upper),
    )
    if report.waiting:  # its numbers would count ungraded answers as 0: show none of them, and no flag
        nan = dict.fromkeys(("facility", "item_total", "upper_lower", "mean"), math.nan)
        return ItemReport(**{**report.__dict__, **nan})
    if len(column) < MIN_STUDENTS:
        return report
    return ItemReport(**{**report.__dict__, "flags": tuple(flags_of(report))})


def _known(cohort: Cohort, values: list | None) -> list | None:
    """The answers of the students whose answers the ledger holds (others would count as blank)."""
    if values is None or not cohort.unrecorded:
        return values
    missing = set(cohort.unrecorded)
    return [v for s, v in zip(cohort.students, values, strict=True) if s not in missing]


def flags_of(r: ItemReport) -> list[str]:
    """Every flag of one question, each with a reason in plain words."""
    found = []
    if r.facility > TOO_EASY:
        found.append(f"too easy: students earned {r.facility:.0%} of its points, so it barely tells them apart")
    elif r.facility < TOO_HARD:
        found.append(f"too hard: students earned only {r.facility:.0%} of its points; check the wording and the key")
    found += _discrimination_flags(r)
    if r.options is not None and r.item.kind in CHOICE_TYPES:
        found += [f"distractor nobody chose: '{_short(text)}'; replace it with a plausible wrong answer"
                  for text in unused_distractors(r.options)]  # fmt: skip
        found += [_prefers(p) for p in top_group_prefers(r.options, r.group)]
    return found


def discrimination(r: ItemReport) -> tuple[str, float]:
    """(name, value) of the discrimination statistic the flags use: r item-rest, or the upper-lower index
    when r cannot be computed (nobody varies on the rest of the quiz); value rounded as shown."""
    if not math.isnan(r.item_total):
        return "r item-rest", round(r.item_total, 2) + 0.0  # + 0.0: -0.004 shows as +0.00, not -0.00
    return "upper-lower index (r item-rest could not be computed)", round(r.upper_lower, 2) + 0.0


def _discrimination_flags(r: ItemReport) -> list[str]:
    name, index = discrimination(r)
    if math.isnan(index) or index >= LOW_DISCRIMINATION:
        return []
    if index < 0:
        return [
            f"negative discrimination ({name} {index:+.2f}): students who did well on the rest of the quiz did "
            "worse on this question; check the key and look for a misleading word"
        ]
    return [
        f"low discrimination ({name} {index:+.2f}, below {LOW_DISCRIMINATION:.2f}): "
        "it hardly tells strong from weak students"
    ]


def _prefers(p) -> str:
    where = f" for '{_short(p.slot)}'" if p.slot else ""
    return (
        f"the top group chose '{_short(p.wrong)}' ({p.wrong_share:.0%} of them) more often than the key "
        f"'{_short(p.key)}' ({p.key_share:.0%}){where}, and more often than the bottom group did "
        f"({p.lower_share:.0%}); check the key, or whether this option is also defensible"
    )


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _warnings(cohort: Cohort, report: Report, n: int) -> list[str]:
    out = []
    if n < MIN_STUDENTS:
        out.append(
            f"only {n} student(s): too few for discrimination, reliability or flags to mean anything; "
            f"no question is flagged below {MIN_STUDENTS}"
        )
    elif n < FEW_STUDENTS:
        out.append(
            f"only {n} students: discrimination and reliability are rough below {FEW_STUDENTS}; read the flags as hints"
        )
    ungraded = sum(cohort.ungraded.values())
    if ungraded:
        out.append(f"{ungraded} written answer(s) are not graded yet and count as 0 until a grader scores them")
    if cohort.unrecorded:
        out.append(
            f"{len(cohort.unrecorded)} student(s) have no answers in the grading ledger (graded before it existed?); "
            "they are left out of the option counts. Regrade with `coursekit grade --force` to include them"
        )
    if len(report.items) < 2:
        out.append("one question only: reliability (alpha) needs at least two")
    return out + _not_computed(report)


def _not_computed(report: Report) -> list[str]:
    """Say which statistics could not be computed for this class, and why, instead of failing."""
    out = []
    if report.n and all(math.isnan(r.item_total) for r in report.items):
        out.append(
            "r item-rest could not be computed for any question (fewer than 3 students, or no one's score varies "
            "on a question or on the rest of the quiz); discrimination flags use the upper-lower index instead"
        )
    if len(report.items) > 1 and math.isnan(report.alpha):
        out.append("reliability (alpha) could not be computed: fewer than 2 students, or every total is the same")
    return out
