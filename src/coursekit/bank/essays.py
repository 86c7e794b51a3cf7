"""Essays set outside the quizzes (``assignments/bank/essays/*.yaml``): their prompt and rubric, graded by hand.

An essay is not an nbgrader assignment and never enters a release; only graders see its rubric
(``coursekit rubrics``). It carries the same rubric as a written question (``rubric.py``), and
``coursekit check`` holds it to the same rules: levels with descriptors, a wrong-statement rule,
anchors, and a criterion for reasoning when it asks for a judgement.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, model_validator

from .brief import CHAPTER_SLUGS
from .fields import Id, Strict, Text
from .messages import describe
from .parse import Problem, parse_file
from .rubric import Anchor, Criterion, check_rubric, rubric_findings
from .schema import BLOOM_LEVELS


class Essay(Strict):
    """An essay prompt with its rubric: one file per essay."""

    kind: Literal["essay"]
    id: Id
    title: Text
    prompt: Text  # what students are given (in class or on the learning platform)
    points: float = Field(gt=0, le=100)
    chapter: Literal[CHAPTER_SLUGS]  # type: ignore[valid-type]
    bloom: Literal[BLOOM_LEVELS] | None = None  # type: ignore[valid-type]
    rubric: list[Criterion] = Field(min_length=1)
    wrong_statements: Text | None = None
    anchors: list[Anchor] = []
    full_answer: Text  # what a strong essay contains, for the grader

    @model_validator(mode="after")
    def _rubric_adds_up(self):
        check_rubric(self.rubric, self.anchors, self.points)
        return self


def essay_files(bank_dir: Path) -> list[Path]:
    return sorted(p for p in (bank_dir / "essays").glob("*.y*ml") if p.suffix in (".yaml", ".yml"))


def load_essays(bank_dir: Path) -> tuple[list[Essay], list[Problem]]:
    """Every essay of the bank, and every problem with them (schema and usable-rubric rules, with file:line)."""
    return check_essay_files(essay_files(bank_dir))


def is_essay_file(path: Path) -> bool:
    return path.is_file() and path.parent.name == "essays"


def check_essay_files(paths: list[Path]) -> tuple[list[Essay], list[Problem]]:
    """The essays in ``paths``, and every problem with them."""
    essays, problems = [], []
    for path in paths:
        parsed, found = parse_file(path)
        if parsed is None:
            problems += found
            continue
        try:
            essay = Essay.model_validate(parsed.data)
        except ValidationError as e:
            for loc, text in (describe(err, Essay) for err in e.errors()):
                problems.append(Problem(path, parsed.line(loc), f"essay: {text}"))
            continue
        essays.append(essay)
        for loc, text in rubric_findings(essay):
            problems.append(Problem(path, parsed.line(loc), f"essay '{essay.id}': {text}"))
    return essays, problems
