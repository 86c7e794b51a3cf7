"""Loading the question bank: YAML files -> validated questions, with people-readable errors.

Every problem is reported as ``FILE:LINE: question 'ID': what is wrong. What to do.``
Questions are checked one by one, so one bad question never hides the problems of others.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from ..errors import BankError
from .brief import SECTIONS
from .lint import lint_file
from .messages import describe, show, suggest
from .parse import Parsed, Problem, duplicate_keys, parse_file
from .reading import normalize, sections_with
from .rehearsal import practice_context
from .schema import QUESTION_MODELS, QUESTION_TYPES, BankFile, BankHeader
from .text import normalize_text


@dataclass
class Bank:
    """All questions of the course, by id, and the files they came from."""

    files: dict[Path, BankFile] = field(default_factory=dict)
    questions: dict = field(default_factory=dict)  # id -> question model
    origin: dict[str, Path] = field(default_factory=dict)  # id -> file

    def question(self, qid: str):
        try:
            return self.questions[qid]
        except KeyError:
            raise BankError([f"question '{qid}' is not in the bank; run `coursekit check` to list ids"]) from None

    def assignment(self, name: str) -> BankFile:
        for f in self.files.values():
            if f.kind == "graded" and f.assignment == name:
                return f
        known = ", ".join(sorted(self.assignments())) or "none"
        raise BankError([f"no graded quiz named '{name}' in the bank (known: {known})"])

    def assignments(self) -> list[str]:
        return [f.assignment for f in self.files.values() if f.kind == "graded"]

    def kind_of(self, qid: str) -> str:
        return self.files[self.origin[qid]].kind


@dataclass
class Checked:
    """The result of checking the bank: the valid part, every problem, and every id seen."""

    bank: Bank
    problems: list[Problem]
    kinds: dict[str, str]  # every question id found, even in invalid questions -> its file's kind
    places: dict[str, tuple[Path, int]]  # id -> file and line of its first definition
    references: Mapping[str, int] | None = None  # keys of book/references.md; None: not checked
    lints: list[Problem] = field(default_factory=list)  # item-writing findings (lint.py): errors and warnings


#: Folders of the bank that hold no questions: the blind reviews of the quizzes, and rubrics of essays
#: set outside any quiz. A folder search skips them; each has its own loader.
NOT_QUESTIONS = ("reviews", "essays")


def bank_files(paths: list[Path]) -> list[Path]:
    """The YAML files named by ``paths`` (files, or folders searched recursively, skipping ``NOT_QUESTIONS``)."""
    found: list[Path] = []
    for p in paths:
        if p.is_dir():
            found += sorted(q for q in p.rglob("*") if _is_bank_file(q, p))
        elif p.is_file():
            found.append(p)
        else:
            raise BankError([f"{p}: no such file or folder. Give a bank file or folder, e.g. assignments/bank"])
    if not found:
        where = ", ".join(map(str, paths))
        raise BankError([f"{where}: no .yaml files found, so the bank is empty. Add bank files (see its README.md)."])
    return found


def _is_bank_file(path: Path, top: Path) -> bool:
    inside = path.relative_to(top).parts[:-1]
    return path.suffix in (".yaml", ".yml") and path.is_file() and not set(inside) & set(NOT_QUESTIONS)


def load_bank(paths: list[Path], reading: str | Mapping[str, str] | None = None) -> Bank:
    """Load and validate every file; raise BankError listing every problem found.

    ``reading`` is the normalized reading (``reading.load_reading``) or its sections
    (``reading.load_sections``, which also checks that a quote is in its named section).
    """
    checked = check_bank(paths, reading)
    if checked.problems:
        raise BankError([str(p) for p in checked.problems])
    return checked.bank


def check_bank(
    paths: list[Path],
    reading: str | Mapping[str, str] | None = None,
    references: Mapping[str, int] | None = None,
    practice: Sequence[tuple[object, str]] = (),
) -> Checked:
    """Check every file and question; never stops at the first problem.

    ``references``: the entry keys of book/references.md (``references.reference_keys``), which a
    practice question may cite as ``source: {reference: KEY}``; None leaves such keys unchecked.
    ``practice``: more practice questions, as (question, ``file:line``), whose keys graded keys must not repeat (the
    course's practice sets, when only some files are checked); those of the files checked here always count.
    """
    out = Checked(Bank(), [], {}, {}, references)
    graded: dict[str, list[tuple[Path, int]]] = {}
    linted: list[tuple[Parsed, bool]] = []
    for path in bank_files(paths):
        parsed, problems = parse_file(path)
        if parsed is not None:
            problems = _check_file(parsed, out, reading)
            if path in out.bank.files:
                linted.append((parsed, not problems))
            data = parsed.data if isinstance(parsed.data, dict) else {}
            if data.get("kind") == "graded" and isinstance(data.get("assignment"), str):
                graded.setdefault(data["assignment"], []).append((path, parsed.line(("assignment",))))
        out.problems += sorted(problems, key=lambda p: p.line)
    for name, places in graded.items():
        for path, line in places[1:]:
            first = f"{places[0][0]}:{places[0][1]}"
            out.problems.append(
                Problem(
                    path, line, f"assignment '{name}' is also defined in {first}. Merge the two files or rename one."
                )
            )
    context = practice_context(out.bank, out.places, practice)
    for parsed, complete in linted:
        quiz = out.bank.files[parsed.path]
        out.lints += lint_file(parsed, quiz, complete=complete, reading=_text(reading), practice=context)
    return out


def _text(reading: str | Mapping[str, str] | None) -> str | None:
    """The reading as one text, however it was given."""
    return reading if reading is None or isinstance(reading, str) else " ".join(reading.values())


def _check_file(parsed: Parsed, out: Checked, reading) -> list[Problem]:
    path, data = parsed.path, parsed.data
    if not isinstance(data, dict):
        return [Problem(path, 1, f"expected `kind:`, `title:` and `questions:` at the top, got {show(data)}.")]
    problems = [_duplicate_key(parsed, *dup) for dup in duplicate_keys(parsed.root)]
    header, found = _check_header(parsed)
    problems += found
    kind = data.get("kind") if isinstance(data.get("kind"), str) else "?"
    raw_questions = data.get("questions") if isinstance(data.get("questions"), list) else []
    valid = []
    for i, raw in enumerate(raw_questions):
        q, found = _check_question(parsed, i, raw)
        problems += found
        if isinstance(raw, dict):
            problems += _check_id_and_quote(parsed, i, raw, kind, out, reading)
        leak = _hint_leak(q) if q is not None and kind == "graded" else None
        if leak:
            text = f"{_who(raw, i)}: the hint gives the key away ({leak!r}). Point to where the answer is instead."
            problems.append(Problem(path, parsed.line(("questions", i, "hint")), text))
        if q is not None and q.type == "written" and kind == "practice":
            text = (
                f"{_who(raw, i)}: a written question is graded by hand in nbgrader, and the book's self-checks "
                "cannot show one. Move it to a graded quiz, or make it a discussion question in the chapter."
            )
            problems.append(Problem(path, parsed.line(("questions", i, "type")), text))
        if q is not None and q.id not in out.bank.questions:
            valid.append(q)
            out.bank.questions[q.id], out.bank.origin[q.id] = q, path
    if header is not None:
        out.bank.files[path] = BankFile.model_construct(**{**header.__dict__, "questions": valid})
    return problems


def _check_header(parsed: Parsed) -> tuple[BankHeader | None, list[Problem]]:
    """The file's own fields (kind, assignment, title, a non-empty questions list)."""
    try:
        return BankHeader.model_validate(parsed.data), []
    except ValidationError as e:
        described = [describe(err, BankHeader) for err in e.errors()]
        return None, [Problem(parsed.path, parsed.line(loc), text) for loc, text in described]


def _who(raw, i: int) -> str:
    qid = raw.get("id") if isinstance(raw, dict) else None
    return f"question '{qid}'" if isinstance(qid, str) and qid else f"question #{i + 1}"


def _check_question(parsed: Parsed, i: int, raw) -> tuple[object | None, list[Problem]]:
    """The validated question, or None and what is wrong with it."""
    at, who = ("questions", i), _who(raw, i)
    if not isinstance(raw, dict):
        text = f"{who}: expected the fields of a question (`id:`, `type:`, `prompt:`, ...), got {show(raw)}."
        return None, [Problem(parsed.path, parsed.line(at), text)]
    qtype = raw.get("type")
    if qtype not in QUESTION_TYPES:
        if "type" not in raw:
            text = f"missing field 'type'. Add it: one of {', '.join(QUESTION_TYPES)}."
        else:
            text = f"type {show(qtype)} is not a question type{suggest(qtype, QUESTION_TYPES)}; "
            text += f"use one of: {', '.join(QUESTION_TYPES)}."
        return None, [Problem(parsed.path, parsed.line((*at, "type")), f"{who}: {text}")]
    model = QUESTION_MODELS[qtype]
    try:
        return model.model_validate(raw), []
    except ValidationError as e:
        found = []
        for err in e.errors():
            in_flow = parsed.in_flow_mapping((*at, *err["loc"][:-1]))
            loc, text = describe(err, model, in_flow)
            found.append(Problem(parsed.path, parsed.line((*at, *loc)), f"{who}: {text}"))
        return None, found


def _check_id_and_quote(parsed: Parsed, i: int, raw: dict, kind: str, out: Checked, reading) -> list[Problem]:
    """Checks that need only the raw fields, so they run even when the question has other problems."""
    found, who, at = [], _who(raw, i), ("questions", i)
    qid = raw.get("id")
    if isinstance(qid, str) and qid:
        line = parsed.line((*at, "id"))
        if qid in out.places:
            first, first_line = out.places[qid]
            text = f"{who}: duplicate id, already used in {first}:{first_line}. Give one of them a new id."
            found.append(Problem(parsed.path, line, text))
        else:
            out.places[qid], out.kinds[qid] = (parsed.path, line), kind
    source = raw.get("source") if isinstance(raw.get("source"), dict) else {}
    if "reference" in source:
        text = _reference_problem(source["reference"], kind, out.references)
        if text:
            found.append(Problem(parsed.path, parsed.line((*at, "source", "reference")), f"{who}: {text}"))
    quote, section = source.get("quote"), source.get("section")
    if reading is not None and isinstance(quote, str) and normalize(quote):
        problem = _quote_problem(quote, section, reading)
        if problem:
            found.append(Problem(parsed.path, parsed.line((*at, "source", "quote")), f"{who}: {problem}"))
    return found


def _quote_problem(quote: str, section, reading: str | Mapping[str, str]) -> str | None:
    short = quote if len(quote) <= 60 else quote[:57] + "..."
    if isinstance(reading, str):
        holders = ["the reading"] if normalize(quote) in reading else []
    else:
        holders = sections_with(quote, reading)
    if not holders:
        return (
            f'the quote "{short}" is not in the reading. Copy it word for word from book/reading.md '
            "(line breaks, Markdown emphasis and curly vs straight quotes do not matter)."
        )
    if isinstance(reading, str) or section in holders or section not in SECTIONS:
        return None
    names = [h for h in holders if h]
    if not names:
        return f"the quote \"{short}\" is not in the brief's sections (it is in the page's notes). Quote the brief."
    return f"the quote is under '{names[0]}' in the reading, not '{section}'. Set source.section to '{names[0]}'."


def _reference_problem(key, kind: str, references: Mapping[str, int] | None) -> str | None:
    """A graded question citing a reference, or a key that is not an entry of book/references.md."""
    if kind == "graded":
        return (
            "a graded question must be backed by the reading, not by a reference. Give source.section "
            "and a verbatim source.quote (`reference:` is for practice questions on context beyond the brief)."
        )
    if references is None or not isinstance(key, str) or key in references:
        return None
    return (
        f"reference '{key}' is not an entry of book/references.md{suggest(key, references)}. Fix the key, "
        f"or add the entry there under a `({key})=` line."
    )


def _hint_leak(q) -> str | None:
    """The key, if a graded question's hint states it (graded feedback shows the hint to wrong answers)."""
    if not q.hint:
        return None
    keys = {
        "numeric": lambda: [str(q.key())],
        "text": lambda: q.forms(),
        "single": lambda: [o.text for o in q.options if o.id == q.answer],
    }.get(q.type, list)()
    hint = f" {normalize_text(q.hint)} "
    return next((k for k in keys if normalize_text(k) and f" {normalize_text(k)} " in hint), None)


def _duplicate_key(parsed: Parsed, loc: tuple, key: str, line: int, first: int) -> Problem:
    who = ""
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
        raw = parsed.data["questions"][loc[1]] if isinstance(parsed.data.get("questions"), list) else None
        who = f"{_who(raw, loc[1])}: "
    text = f"{who}field '{key}' is given twice (first on line {first}); YAML keeps only the last one. Remove one."
    return Problem(parsed.path, line, text)
