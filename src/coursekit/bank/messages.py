"""Turning schema errors into sentences for question authors: what is wrong and what to do."""

from __future__ import annotations

import difflib
import re

from .brief import CHAPTER_SLUGS, SECTIONS
from .rubric import Anchor, Criterion, Level
from .schema import BLOOM_LEVELS, QUESTION_TYPES, Option, Source

# What each field holds, so "missing field" can say what to add.
FIELD_HELP = {
    "kind": "graded or practice",
    "assignment": "the nbgrader assignment name of this graded quiz",
    "title": "the quiz's title",
    "questions": "a list of questions",
    "id": "a unique id of lower-case letters, digits and hyphens",
    "type": "one of " + ", ".join(QUESTION_TYPES),
    "prompt": "the question as students read it",
    "explanation": "why the key is right; shown with self-check results",
    "source": "`section:` and a verbatim `quote:` from the reading",
    "section": "the reading's section heading",
    "quote": "a short passage copied word for word from the reading",
    "chapter": "the chapter whose page uses the question",
    "options": "a list of `- id:` / `text:` choices",
    "answer": "the key",
    "answers": "the ids of all right options",
    "accept": "a list of accepted answers",
    "core": "the answer's core terms",
    "optional": "single words an answer may add to a core term",
    "refuse": "near misses that are never right",
    "items": "the items in their correct order",
    "left": "the items to match",
    "right": "what they are matched to",
    "text": "what the student reads",
    "rubric": "a list of criteria for the grader (`- id:`, `criterion:`, `levels:`)",
    "criterion": "what the grader looks for",
    "descriptor": "what an answer at this level does",
    "level": "strong, partial or weak",
    "scores": "the anchor's points per criterion id",
    "full_answer": "what a full answer contains, for the grader",
}

# How the allowed values of a field with a fixed list are introduced.
_CHOICES = {
    "chapter": ("is not a chapter of the book", CHAPTER_SLUGS),
    "section": ("is not a section of the reading", SECTIONS),
    "kind": ("is not a kind of bank file", ("graded", "practice")),
    "type": ("is not a question type", QUESTION_TYPES),
    "bloom": ("is not a level of Bloom's taxonomy", BLOOM_LEVELS),
}

_EXPECTED = {
    "string": "text",
    "float": "a number",
    "int": "a whole number",
    "bool": "true or false",
    "list": "a list (`- ` items or [a, b])",
    "dict": "a mapping (`key: value` lines)",
    "model": "a mapping (`key: value` lines)",
    "model_attributes": "a mapping (`key: value` lines)",
}


def field_label(loc: tuple) -> str:
    """``('options', 1, 'text')`` -> ``options[2].text`` (items counted from 1, as people count)."""
    out = ""
    for part in loc:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def show(value) -> str:
    """A value as the author wrote it in YAML."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "nothing"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return repr(value if len(value) <= 40 else value[:37] + "...")
    return "a list" if isinstance(value, list) else "a mapping" if isinstance(value, dict) else type(value).__name__


# Names authors bring from other quiz tools, and the type each one means here.
TYPE_ALIASES = {
    "choice": "single",
    "mcq": "single",
    "multiple-choice": "single",
    "radio": "single",
    "checkbox": "multiple",
    "multi": "multiple",
    "number": "numeric",
    "short": "text",
    "short-answer": "text",
    "order": "ordering",
    "sort": "ordering",
    "match": "matching",
    "essay": "written",
    "free-response": "written",
    "open-ended": "written",
    "long-answer": "written",
}


def suggest(word, choices) -> str:
    if choices is QUESTION_TYPES and str(word).lower() in TYPE_ALIASES:
        return f" (did you mean '{TYPE_ALIASES[str(word).lower()]}'?)"
    close = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[:60] or "q1"


def describe(err: dict, model, in_flow: bool = False) -> tuple[tuple, str]:
    """(location of the offending value, sentence) for one pydantic error about ``model``'s data.

    ``in_flow``: the offending mapping is written inline as ``{...}``.
    """
    loc, kind, value, ctx = tuple(err["loc"]), err["type"], err.get("input"), err.get("ctx") or {}
    label = field_label(loc)
    if kind == "bank_rule":  # raised by a model's own validator: point at the field it names, inside that model
        return (*loc, ctx["field"]), err["msg"] + "."
    if kind == "missing":
        help_ = FIELD_HELP.get(str(loc[-1]))
        return loc[:-1], f"missing field '{label}'" + (f" ({help_})" if help_ else "") + ". Add it."
    if kind == "extra_forbidden":
        allowed, parent = _fields_at(model, loc), field_label(loc[:-1])
        text = f"unknown field '{loc[-1]}'" + (f" in {parent}" if parent else "") + suggest(loc[-1], allowed)
        if in_flow:
            return loc, text + ". A comma inside {...} ends a value early: put the text in quotes."
        return loc, text + f". Remove it or fix its spelling; allowed here: {', '.join(allowed)}."
    if kind == "literal_error" and str(loc[-1]) in _CHOICES:
        what, choices = _CHOICES[str(loc[-1])]
        return loc, f"{loc[-1]} {show(value)} {what}{suggest(value, choices)}; use one of: {', '.join(choices)}."
    if kind == "string_pattern_mismatch":
        return loc, (
            f"{label} {show(value)} is not a valid id; use lower-case letters, digits and hyphens, "
            f"e.g. '{slug(value)}'."
        )
    if kind.endswith(("_type", "_parsing")) and kind.rsplit("_", 1)[0] in _EXPECTED:
        return loc, _wrong_type(label, kind.rsplit("_", 1)[0], value)
    if kind in ("too_short", "string_too_short"):
        return loc, _too_short(label, kind, value, ctx)
    if kind == "string_too_long":
        return loc, f"{label} is too long: at most {ctx.get('max_length')} characters, it has {len(value)}. Shorten it."
    msg = err["msg"].replace("Input should be", "must be")
    return loc, f"{label} {msg[0].lower()}{msg[1:]}, got {show(value)}."


def _wrong_type(label: str, expected: str, value) -> str:
    text = f"{label} must be {_EXPECTED[expected]}, got {show(value)}."
    if expected == "string" and isinstance(value, bool):
        text += " YAML reads unquoted yes/no/on/off/true/false as true or false; put the value in quotes."
    elif expected == "string" and isinstance(value, (int, float)):
        text += f' Put it in quotes: "{value}".'
    elif expected == "string" and value is None:
        text += " Write the text after the colon, or remove the field."
    return text


def _too_short(label: str, kind: str, value, ctx: dict) -> str:
    least = ctx.get("min_length")
    if kind == "string_too_short":
        if not value:
            return f"{label} is empty. Write the text, or remove the field if it is optional."
        return f"{label} is too short: at least {least} characters, it has {len(value)}. Quote a longer passage."
    return f"{label} needs at least {least} item{'s' if least != 1 else ''}, it has {len(value)}. Add more."


def _fields_at(model, loc: tuple) -> list[str]:
    parent = [p for p in loc[:-1] if not isinstance(p, int)]
    if parent and parent[-1] == "source":
        model = Source
    elif parent and parent[-1] in ("options", "items", "left", "right"):
        model = Option
    elif parent and parent[-1] == "rubric":
        model = Criterion
    elif parent and parent[-1] == "levels":
        model = Level
    elif parent and parent[-1] == "anchors":
        model = Anchor
    return list(model.model_fields)
