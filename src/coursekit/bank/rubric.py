"""A written question's rubric: criteria with scored levels, the rule for wrong statements, and anchor answers.

The models check what makes a rubric consistent (points add up, every anchor is scored on every
criterion at one of its levels, strong > partial > weak). ``rubric_findings`` adds, for ``coursekit
check``, what makes it usable by a TA who has not written it: levels with descriptors on every
criterion, a 0 level, a wrong-statement rule, three anchors, each criterion tied to words of the
prompt, and a reasoning criterion when the question asks for a judgement.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

from pydantic import Field, model_validator

from .fields import Id, Strict, Text, problem
from .text import normalize_text

ANCHOR_LEVELS = ("strong", "partial", "weak")
JUDGEMENT_LEVELS = ("evaluate", "create")  # bloom levels whose prompts ask for the student's own judgement


class Level(Strict):
    """One scored level of a criterion, described so that two graders place an answer alike."""

    points: float = Field(ge=0, le=100)
    descriptor: Text


class Criterion(Strict):
    """One line of a written question's rubric: what the grader looks for, and what each level is worth.

    Old-style criteria give only ``points``; with ``levels``, ``points`` is the top level's.
    """

    id: Id | None = None
    criterion: Text
    asks: Text | None = None  # the words of the prompt that ask for this criterion, copied from it
    reasoning: bool = False  # grades the student's reasoning or judgement, not recall
    points: float | None = Field(default=None, gt=0, le=100)  # filled in from the levels when they are given
    levels: list[Level] = []

    @model_validator(mode="before")
    @classmethod
    def _points_from_levels(cls, data):
        if isinstance(data, dict) and "points" not in data and isinstance(data.get("levels"), list):
            tops = [lv.get("points") for lv in data["levels"] if isinstance(lv, dict)]
            numbers = [p for p in tops if isinstance(p, (int, float)) and not isinstance(p, bool)]
            if numbers:
                return {**data, "points": max(numbers)}
        return data

    @model_validator(mode="after")
    def _levels_consistent(self):
        scores = [lv.points for lv in self.levels]
        if not scores:
            if self.points is None:
                raise problem("criterion", "the criterion gives neither `points` nor `levels`. Add `levels`")
            return self
        if len(set(scores)) != len(scores):
            raise problem("levels", "two levels of this criterion give the same points. Give each level its own score")
        if max(scores) != self.points:
            raise problem(
                "points",
                f"`points` is {self.points:g} but the top level gives {max(scores):g}. Remove `points` "
                "(it is the top level's) or make them equal",
            )
        return self

    def scores(self) -> list[float]:
        """The points a grader may give for this criterion."""
        return sorted(lv.points for lv in self.levels) if self.levels else []


class Anchor(Strict):
    """A sample answer with the score a grader should give it, per criterion id."""

    level: Literal[ANCHOR_LEVELS]  # type: ignore[valid-type]
    answer: Text
    scores: dict[Id, float]

    def total(self) -> float:
        return sum(self.scores.values())


def check_rubric(rubric: list[Criterion], anchors: list[Anchor], points: float) -> None:
    """Raise a bank-rule error if the rubric's points, ids or anchors do not fit together."""
    total = round(sum(c.points for c in rubric), 4)
    if total != round(points, 4):
        raise problem(
            "rubric",
            f"the rubric's criteria add up to {total:g} points but the question is worth {points:g}. "
            "Make `points` equal the sum of the criteria's points",
        )
    ids = [c.id for c in rubric]
    if (anchors or any(c.levels for c in rubric)) and None in ids:
        raise problem("rubric", "a rubric with levels or anchors needs an `id` on every criterion. Add them")
    duplicate = sorted({i for i in ids if i is not None and ids.count(i) > 1})
    if duplicate:
        raise problem("rubric", f"criterion id '{duplicate[0]}' is used twice. Rename one")
    if anchors:
        _check_anchors(rubric, anchors)


def _check_anchors(rubric: list[Criterion], anchors: list[Anchor]) -> None:
    levels = [a.level for a in anchors]
    if sorted(levels) != sorted(ANCHOR_LEVELS):
        raise problem("anchors", "give exactly three anchors, one each at level strong, partial and weak")
    by_id = {c.id: c for c in rubric}
    for a in anchors:
        if set(a.scores) != set(by_id):
            raise problem(
                "anchors",
                f"the {a.level} anchor scores {', '.join(sorted(a.scores)) or 'nothing'}; score every criterion "
                f"({', '.join(by_id)}) and nothing else",
            )
        for cid, score in a.scores.items():
            allowed = by_id[cid].scores() or None
            if (allowed and score not in allowed) or not 0 <= score <= by_id[cid].points:
                shown = ", ".join(f"{s:g}" for s in allowed) if allowed else f"0 to {by_id[cid].points:g}"
                text = f"the {a.level} anchor gives '{cid}' {score:g}; use one of its levels: {shown}"
                raise problem("anchors", text)
    totals = {a.level: a.total() for a in anchors}
    if not totals["strong"] > totals["partial"] > totals["weak"]:
        raise problem(
            "anchors",
            f"the anchors score strong {totals['strong']:g}, partial {totals['partial']:g}, weak {totals['weak']:g}; "
            "a strong anchor must score more than the partial one, and the partial one more than the weak one",
        )


def rubric_findings(q) -> Iterator[tuple[tuple, str]]:
    """(location, text) for every gap that keeps a TA from applying a graded written question's rubric alike."""
    for i, c in enumerate(q.rubric):
        yield from _criterion_gaps(q.prompt, i, c)
    if q.wrong_statements is None:
        yield (
            ("rubric",),
            (
                "the rubric has no rule for wrong statements. Add `wrong_statements:` saying what a wrong claim about "
                "the reading costs."
            ),
        )
    if not q.anchors:
        yield (
            ("rubric",),
            (
                "the rubric has no anchor answers. Add `anchors:` with a strong, a partial and a weak answer and their "
                "scores."
            ),
        )
    if q.bloom in JUDGEMENT_LEVELS and not any(c.reasoning for c in q.rubric):
        yield (
            ("rubric",),
            (
                f"the question asks for a judgement (bloom: {q.bloom}) but no criterion grades the reasoning. Add one "
                "with `reasoning: true`."
            ),
        )


def _criterion_gaps(prompt: str, i: int, c: Criterion) -> Iterator[tuple[tuple, str]]:
    name = f"criterion '{c.id or i + 1}'"
    if not c.levels:
        yield (
            ("rubric", i),
            (f"{name} has no levels. Give it `levels` (for example 0, 1 and 2 points), each with a `descriptor`."),
        )
    elif 0 not in c.scores():
        yield ("rubric", i, "levels"), f"{name} has no 0-point level. Describe what earns nothing."
    if c.asks is None:
        yield ("rubric", i), f"{name} does not say what in the prompt asks for it. Add `asks:` with the prompt's words."
    elif f" {normalize_text(c.asks)} " not in f" {normalize_text(prompt)} ":
        yield (
            ("rubric", i, "asks"),
            (
                f'{name}: `asks` ("{c.asks}") is not in the prompt, so the prompt may not ask for it. Copy the '
                "prompt's words, or ask for it in the prompt."
            ),
        )
