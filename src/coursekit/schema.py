"""The question bank's schema: one pydantic model per question type.

Adding a question type touches exactly three places: a model here, a scoring
function in ``scoring.py`` and a render function in ``static/quiz.mjs``.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from .brief import CHAPTER_SLUGS, SECTIONS

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=60)]
Text = Annotated[str, StringConstraints(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(_Strict):
    """Where in the reading the key comes from: a section and a short verbatim quote."""

    section: Literal[SECTIONS]  # type: ignore[valid-type]
    quote: Annotated[str, StringConstraints(min_length=8, max_length=300)]


class Option(_Strict):
    id: Id
    text: Text


class _Question(_Strict):
    id: Id
    prompt: Text
    points: float = Field(default=1.0, gt=0, le=100)
    explanation: Text
    hint: str | None = None  # shown in graded feedback instead of the key-revealing explanation
    source: Source
    chapter: Literal[CHAPTER_SLUGS]  # type: ignore[valid-type]
    tags: list[str] = []
    bloom: Literal["remember", "understand", "apply", "analyze", "evaluate", "create"] | None = None

    def public(self) -> dict:
        """What a student may see before grading: no key, no explanation."""
        return {"id": self.id, "type": self.type, "prompt": self.prompt, "points": self.points}

    def practice(self) -> dict:
        """What a self-check may see: the public view plus the key and the explanation."""
        return {**self.public(), "key": self.key(), "explanation": self.explanation}


def _shuffled(items: list[Option], salt: str) -> list[dict]:
    """A stable order that does not reveal the bank's order (which may be the key)."""

    def rank(o: Option) -> str:
        return hashlib.sha256(f"{salt}:{o.id}".encode()).hexdigest()

    return [o.model_dump() for o in sorted(items, key=rank)]


def _unique(ids: list[str], what: str) -> None:
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise ValueError(f"{what} ids must be unique; repeated: {', '.join(dup)}")


class SingleChoice(_Question):
    type: Literal["single"]
    options: list[Option] = Field(min_length=2)
    answer: Id

    @model_validator(mode="after")
    def _key_is_an_option(self):
        ids = [o.id for o in self.options]
        _unique(ids, "option")
        if self.answer not in ids:
            raise ValueError(
                f"answer '{self.answer}' is not among the options ({', '.join(ids)}); "
                "set `answer` to one of the option ids"
            )
        return self

    def key(self):
        return self.answer

    def public(self) -> dict:
        return {**super().public(), "options": [o.model_dump() for o in self.options]}


class MultipleSelect(_Question):
    type: Literal["multiple"]
    options: list[Option] = Field(min_length=2)
    answers: list[Id] = Field(min_length=1)

    @model_validator(mode="after")
    def _keys_are_options(self):
        ids = [o.id for o in self.options]
        _unique(ids, "option")
        _unique(self.answers, "answer")
        missing = [a for a in self.answers if a not in ids]
        if missing:
            raise ValueError(
                f"answers {', '.join(missing)} are not among the options ({', '.join(ids)}); "
                "list only option ids under `answers`"
            )
        return self

    def key(self):
        return list(self.answers)

    def public(self) -> dict:
        return {**super().public(), "options": [o.model_dump() for o in self.options]}


class Numeric(_Question):
    type: Literal["numeric"]
    answer: float
    tolerance: float = Field(default=0, ge=0)
    unit: str | None = None

    def key(self):
        return int(self.answer) if self.answer == int(self.answer) else self.answer

    def public(self) -> dict:
        return {**super().public(), "unit": self.unit}


class ShortText(_Question):
    type: Literal["text"]
    accept: list[Text] = Field(min_length=1)

    def key(self):
        return list(self.accept)


class Ordering(_Question):
    """``items`` are listed in the correct order; students see them shuffled."""

    type: Literal["ordering"]
    items: list[Option] = Field(min_length=2)

    @model_validator(mode="after")
    def _ids_unique(self):
        _unique([o.id for o in self.items], "item")
        return self

    def key(self):
        return [o.id for o in self.items]

    def public(self) -> dict:
        return {**super().public(), "items": _shuffled(self.items, self.id)}


class Matching(_Question):
    """Each ``left`` item is matched to one ``right`` item; ``answer`` maps left id to right id."""

    type: Literal["matching"]
    left: list[Option] = Field(min_length=2)
    right: list[Option] = Field(min_length=2)
    answer: dict[Id, Id]

    @model_validator(mode="after")
    def _pairs_line_up(self):
        left = [o.id for o in self.left]
        right = [o.id for o in self.right]
        _unique(left, "left item")
        _unique(right, "right item")
        if sorted(self.answer) != sorted(left):
            raise ValueError(
                f"`answer` must map every left item exactly once; left items are "
                f"{', '.join(left)} but `answer` maps {', '.join(self.answer) or 'none'}"
            )
        bad = sorted({r for r in self.answer.values() if r not in right})
        if bad:
            raise ValueError(
                f"`answer` points to {', '.join(bad)}, which are not right items ({', '.join(right)})"
            )
        return self

    def key(self):
        return dict(self.answer)

    def public(self) -> dict:
        return {
            **super().public(),
            "left": [o.model_dump() for o in self.left],
            "right": _shuffled(self.right, self.id),
        }


Question = Annotated[
    Union[SingleChoice, MultipleSelect, Numeric, ShortText, Ordering, Matching],
    Field(discriminator="type"),
]
QUESTION_TYPES = ("single", "multiple", "numeric", "text", "ordering", "matching")


class BankFile(_Strict):
    """One YAML file of the bank: a graded quiz (one nbgrader assignment) or a practice set."""

    kind: Literal["graded", "practice"]
    assignment: Id | None = None
    title: Text
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _graded_names_assignment(self):
        if self.kind == "graded" and not self.assignment:
            raise ValueError("a graded file must name its nbgrader `assignment`")
        if self.kind == "practice" and self.assignment:
            raise ValueError("a practice file has no `assignment`; remove it or set `kind: graded`")
        return self


def json_schema() -> dict:
    """The JSON Schema of a bank file, for editors (``coursekit check --schema``)."""
    return BankFile.model_json_schema()
