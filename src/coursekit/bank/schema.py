"""The question bank's schema: one pydantic model per question type.

Adding a question type touches exactly three places: a model here, a scoring
function in ``grading/scoring/rules.py`` and a render function in ``notebook/static/quiz.mjs``.
The ``written`` type is the exception: it has no widget, because nbgrader shows it as a
manually graded answer cell (``release/generate.py``) and a grader scores it in formgrader.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from .brief import CHAPTER_SLUGS, SECTIONS
from .fields import Id, Text, problem
from .fields import Strict as _Strict
from .rubric import Anchor, Criterion, check_rubric

BLOOM_LEVELS = ("remember", "understand", "apply", "analyze", "evaluate", "create")
__all__ = ["Anchor", "Criterion", "Id", "Text", "problem"]  # re-exported: the bank's models live here


class Source(_Strict):
    """Where the key comes from: a section of the reading and a short verbatim quote from it.

    A practice question about context beyond the brief cites ``reference:`` instead, the key of an
    entry in ``book/references.md``; `coursekit check` keeps graded questions quote-backed.
    """

    section: Literal[SECTIONS] | None = None  # type: ignore[valid-type]
    quote: Annotated[str, StringConstraints(min_length=8, max_length=300)] | None = None
    reference: Id | None = None

    @model_validator(mode="after")
    def _quote_or_reference(self):
        if self.reference is not None and (self.section is not None or self.quote is not None):
            raise problem(
                "source", "source gives both a reference and a section/quote. Keep one of them (graded: the quote)"
            )
        missing = [f for f in ("section", "quote") if getattr(self, f) is None]
        if self.reference is None and missing:
            raise problem("source", _missing_source(missing))
        return self


def _missing_source(missing: list[str]) -> str:
    """The message for a source without a reference that lacks its section, its quote or both."""
    what = " and ".join(f"'source.{f}'" for f in missing)
    help_ = "; ".join({"section": "the reading's section heading", "quote": _QUOTE_HELP}[f] for f in missing)
    if len(missing) == 1:
        return f"missing field {what} ({help_}). Add it"
    return f"missing fields {what} ({help_}). Add them, or for a practice question cite `reference: KEY`"


_QUOTE_HELP = "a short passage copied word for word from the reading"


class Option(_Strict):
    id: Id
    text: Text


class _Question(_Strict):
    id: Id
    title: Annotated[str, StringConstraints(min_length=1, max_length=60)] | None = None  # short, for feedback
    prompt: Text
    points: float = Field(default=1.0, gt=0, le=100)
    explanation: Text
    hint: str | None = None  # shown in graded feedback instead of the key-revealing explanation
    source: Source
    chapter: Literal[CHAPTER_SLUGS]  # type: ignore[valid-type]
    tags: list[str] = []
    bloom: Literal[BLOOM_LEVELS] | None = None  # type: ignore[valid-type]

    def public(self) -> dict:
        """What a student may see before grading: no key, no explanation."""
        return {"id": self.id, "type": self.type, "prompt": self.prompt, "points": self.points}

    def practice(self) -> dict:
        """What a self-check may see: the public view plus the key and the explanation."""
        return {**self.public(), "key": self.key(), "explanation": self.explanation}


def _shuffled(items: list[Option], salt: str, revealing: list[str]) -> list[dict]:
    """A stable order that does not reveal the bank's order (which may be the key).

    A hash order can equal the key by chance (half the time for two items), so an order
    that starts with ``revealing`` is rotated by one, which always changes its first item.
    """

    def rank(o: Option) -> str:
        return hashlib.sha256(f"{salt}:{o.id}".encode()).hexdigest()

    ordered = sorted(items, key=rank)
    if [o.id for o in ordered[: len(revealing)]] == revealing:
        ordered = ordered[1:] + ordered[:1]
    return [o.model_dump() for o in ordered]


def _unique(ids: list[str], field: str, what: str) -> None:
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        raise problem(field, f"{what} ids must be unique; '{', '.join(dup)}' is used more than once. Rename one")


class SingleChoice(_Question):
    type: Literal["single"]
    options: list[Option] = Field(min_length=2)
    answer: Id

    @model_validator(mode="after")
    def _key_is_an_option(self):
        ids = [o.id for o in self.options]
        _unique(ids, "options", "option")
        if self.answer not in ids:
            raise problem(
                "answer",
                f"answer '{self.answer}' is not among the options ({', '.join(ids)}). "
                "Set `answer` to one of the option ids",
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
        _unique(ids, "options", "option")
        _unique(self.answers, "answers", "answer")
        missing = [a for a in self.answers if a not in ids]
        if missing:
            what = f"answer {missing[0]!r} is" if len(missing) == 1 else f"answers {', '.join(map(repr, missing))} are"
            raise problem(
                "answers", f"{what} not among the options ({', '.join(ids)}). List only option ids under `answers`"
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

    def practice(self) -> dict:
        # The browser's practice check needs the tolerance as much as the key.
        return {**super().practice(), "tolerance": self.tolerance}


class ShortText(_Question):
    """A short typed answer, matched by ``bank/matching.py`` against what the item writer states here."""

    type: Literal["text"]
    core: list[Text] = []  # the answer's core terms: optional words may surround them, several may follow each other
    optional: list[Text] = []  # single words an answer may add to (or leave out of) a core term
    accept: list[Text] = []  # aliases: other whole answers that are right (`coursekit answers --accept` adds here)
    refuse: list[Text] = []  # near misses that mean something else: never right, even if a rule above would match

    @model_validator(mode="after")
    def _something_to_match(self):
        if not self.core and not self.accept:
            raise problem(
                "accept", "a text question needs at least one right form. Add `core:` terms or `accept:` answers"
            )
        return self

    def forms(self) -> list[str]:
        """Every right form the bank lists: the core terms, then the aliases."""
        return [*self.core, *self.accept]

    def key(self):
        return self.forms()

    def matching(self) -> dict:
        """The fields the matcher reads (the practice widget gets them as ``match``)."""
        return {"core": self.core, "optional": self.optional, "accept": self.accept, "refuse": self.refuse}

    def practice(self) -> dict:
        return {**super().practice(), "match": self.matching()}


class Ordering(_Question):
    """``items`` are listed in the correct order; students see them shuffled."""

    type: Literal["ordering"]
    items: list[Option] = Field(min_length=2)

    @model_validator(mode="after")
    def _ids_unique(self):
        _unique([o.id for o in self.items], "items", "item")
        return self

    def key(self):
        return [o.id for o in self.items]

    def public(self) -> dict:
        return {**super().public(), "items": _shuffled(self.items, self.id, self.key())}


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
        _unique(left, "left", "left item")
        _unique(right, "right", "right item")
        unknown = [k for k in self.answer if k not in left]
        if unknown:
            raise problem(
                "answer",
                f"`answer` maps {', '.join(repr(k) for k in unknown)}, which "
                f"{'is not a left item' if len(unknown) == 1 else 'are not left items'} ({', '.join(left)}). "
                "Use the left ids as the keys of `answer`",
            )
        unmapped = [k for k in left if k not in self.answer]
        if unmapped:
            raise problem(
                "answer",
                f"`answer` does not say what {', '.join(repr(k) for k in unmapped)} "
                f"{'matches' if len(unmapped) == 1 else 'match'}. Map every left item to a right id",
            )
        bad = sorted({r for r in self.answer.values() if r not in right})
        if bad:
            raise problem(
                "answer",
                f"`answer` points to {', '.join(repr(b) for b in bad)}, which "
                f"{'is not a right item' if len(bad) == 1 else 'are not right items'} ({', '.join(right)}). "
                "Use the right ids as the values of `answer`",
            )
        return self

    def key(self):
        return dict(self.answer)

    def public(self) -> dict:
        return {
            **super().public(),
            "left": [o.model_dump() for o in self.left],
            "right": _shuffled(self.right, self.id, list(dict.fromkeys(self.answer[k.id] for k in self.left))),
        }


class Written(_Question):
    """A short written answer (a few sentences), graded by hand in nbgrader's formgrader.

    ``rubric``, ``wrong_statements``, ``anchors`` and ``full_answer`` are for graders only: they never
    reach the release or the public questions file (``public`` leaves them out; the release scan looks
    for them). The rubric's own rules are in ``rubric.py``.
    """

    type: Literal["written"]
    rubric: list[Criterion] = Field(min_length=1)
    wrong_statements: Text | None = None  # how a wrong statement about the reading changes the score
    anchors: list[Anchor] = []  # a strong, a partial and a weak answer, each with its score per criterion
    full_answer: Text  # what a full answer contains, for the grader

    @model_validator(mode="after")
    def _rubric_adds_up(self):
        check_rubric(self.rubric, self.anchors, self.points)
        return self

    def key(self):
        return None  # nothing to compare an answer with: a person grades it


Question = Annotated[
    SingleChoice | MultipleSelect | Numeric | ShortText | Ordering | Matching | Written,
    Field(discriminator="type"),
]
QUESTION_MODELS = {
    "single": SingleChoice,
    "multiple": MultipleSelect,
    "numeric": Numeric,
    "text": ShortText,
    "ordering": Ordering,
    "matching": Matching,
    "written": Written,
}
QUESTION_TYPES = tuple(QUESTION_MODELS)
#: Types scored by ``scoring.score`` from the answers file; the others are graded by hand.
AUTO_TYPES = tuple(t for t in QUESTION_TYPES if t != "written")


class _FileFields(_Strict):
    kind: Literal["graded", "practice"]
    assignment: Id | None = None
    title: Text

    @model_validator(mode="after")
    def _graded_names_assignment(self):
        if self.kind == "graded" and not self.assignment:
            raise problem("kind", "a graded file must name its nbgrader `assignment`. Add `assignment: <name>`")
        if self.kind == "practice" and self.assignment:
            raise problem("assignment", "a practice file has no `assignment`. Remove it, or set `kind: graded`")
        return self


class BankHeader(_FileFields):
    """A bank file with its questions left unchecked, so each question can be checked on its own."""

    questions: list[object] = Field(min_length=1)


class BankFile(_FileFields):
    """One YAML file of the bank: a graded quiz (one nbgrader assignment) or a practice set."""

    questions: list[Question] = Field(min_length=1)

    def written(self) -> list[Written]:
        """The questions a grader scores by hand (each one nbgrader answer cell worth ``points``)."""
        return [q for q in self.questions if q.type == "written"]

    def auto_graded(self) -> list:
        """The questions scored from the answers file, outside any kernel (``scoring.score``)."""
        return [q for q in self.questions if q.type != "written"]


def json_schema() -> dict:
    """The JSON Schema of a bank file, for editors (``coursekit check --schema``)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        **BankFile.model_json_schema(),
        "title": "coursekit question bank file",
        "description": "One graded quiz or practice set; see assignments/bank/README.md.",
    }
