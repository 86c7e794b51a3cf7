"""Item-writing checks: cues that let a student answer without understanding, and each quiz's comprehension share.

Run by ``coursekit check`` after the schema checks (never by ``load_bank``, so a quiz with a
weak item can still be released and graded). In a graded quiz a finding is an error, because it
changes grades; in a practice set it is a warning. The rules are listed in the bank's README; the cues
inside one question are in ``cues.py``, ids that give a key away in ``ids.py``, patterns across a quiz's keys in
``patterns.py``, what one question gives away about another in ``giveaways.py``, graded keys that a public
self-check hands out in ``rehearsal.py``, and what a written question's rubric needs in ``rubric.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .cues import length_cue, quotation_cue, stem_words_cue
from .giveaways import key_leaks, rubric_leaks
from .ids import matching_id_cue, option_id_cue, ordering_id_cue
from .intent_check import intent_findings
from .parse import Parsed, Problem
from .patterns import key_letters, key_positions, shared_key_sets
from .rehearsal import Practice, rehearsals
from .rubric import rubric_findings
from .schema import BankFile
from .text import normalize_text
from .words import topic_stems, visible_texts

COMPREHENSION_LEVELS = ("understand", "apply", "analyze", "evaluate", "create")
APPLY_LEVELS = ("apply", "analyze", "evaluate", "create")
MIN_COMPREHENSION_SHARE = 0.6
MIN_APPLY_SHARE = 0.25
_ABOVE = re.compile(r"\b(all|none|both|neither) (of )?the (above|options|preceding|answers)\b")
_NEGATIVE = re.compile(r"\b(not|never|except|least|cannot|false|incorrect|\w+n['’]t)\b", re.IGNORECASE)
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")
_EMPHASIS = re.compile(r"\*\*[^*]+\*\*|\*[^*\s][^*]*\*|__[^_]+__|(?<!\w)_[^_]+_(?!\w)")
_NOT_NEGATIVE = ("not only", "at least", "whether or not")


def lint_file(
    parsed: Parsed,
    quiz: BankFile,
    *,
    complete: bool,
    reading: str | None = None,
    practice: Practice | None = None,
) -> list[Problem]:
    """Every item-writing finding of one file; ``complete``: all its questions passed the schema.

    ``reading``: the reading's text, to tell a quotation from the brief in a prompt; None skips that rule.
    ``practice``: the keys of the public practice questions and the course's vocabulary (``rehearsal.Practice``),
    for the rule that graded keys must not repeat practice keys.
    """
    severity = "error" if quiz.kind == "graded" else "warning"
    index = _raw_index(parsed)
    topic = topic_stems([" ".join(visible_texts(q)) for q in quiz.questions])
    text = f" {normalize_text(reading)} " if reading is not None else None
    found = []
    for q in quiz.questions:
        at = ("questions", index[q.id])
        own = [*_own_findings(q, topic, text), *key_leaks(q, quiz, parsed, index)]
        if quiz.kind == "graded":
            own += [*_graded_findings(q, quiz, topic, parsed, index), *rehearsals(q, practice or Practice(), topic)]
        for loc, message in own:
            found.append(Problem(parsed.path, parsed.line((*at, *loc)), f"question '{q.id}': {message}", severity))
        for loc, message, level in intent_findings(q):  # its own severities: a wrong intent changes scores anywhere
            found.append(Problem(parsed.path, parsed.line((*at, *loc)), f"question '{q.id}': {message}", level))
    found += [Problem(parsed.path, parsed.line(("questions",)), m, severity) for m in key_positions(quiz)]
    if quiz.kind == "graded":
        found += _quiz_patterns(parsed, quiz, index)
    if quiz.kind == "graded" and complete:
        found += _share_problem(parsed, quiz)
    return sorted(found, key=lambda p: p.line)


def _graded_findings(q, quiz: BankFile, topic: set[str], parsed: Parsed, index: dict) -> Iterator[tuple[tuple, str]]:
    """What only a graded question must avoid: ids that talk, and a rubric that is given away or unusable."""
    yield from option_id_cue(q)
    yield from ordering_id_cue(q)
    yield from matching_id_cue(q)
    yield from rubric_leaks(q, quiz, topic, parsed, index)
    if q.type == "written":
        yield from rubric_findings(q)


def _quiz_patterns(parsed: Parsed, quiz: BankFile, index: dict[str, int]) -> list[Problem]:
    """Key patterns across a graded quiz: one letter for every single-choice key, one key set twice."""
    found = [Problem(parsed.path, parsed.line(("questions",)), m) for m in key_letters(quiz)]
    for i, loc, message in shared_key_sets(quiz):
        found.append(Problem(parsed.path, parsed.line(("questions", index[quiz.questions[i].id], *loc)), message))
    return found


def _raw_index(parsed: Parsed) -> dict[str, int]:
    """Question id -> its position in the file (the first one, if an id repeats)."""
    raw = parsed.data.get("questions") if isinstance(parsed.data, dict) else None
    index: dict[str, int] = {}
    for i, q in enumerate(raw if isinstance(raw, list) else []):
        if isinstance(q, dict) and isinstance(q.get("id"), str):
            index.setdefault(q["id"], i)
    return index


def _own_findings(q, topic: set[str], reading: str | None) -> Iterator[tuple[tuple, str]]:
    yield from length_cue(q)
    yield from stem_words_cue(q, topic)
    yield from quotation_cue(q, reading)
    yield from _above_options(q)
    yield from _negative_stem(q)


# ---------- "all of the above" ----------


def _above_options(q) -> Iterator[tuple[tuple, str]]:
    for i, o in enumerate(getattr(q, "options", None) or []):
        if _ABOVE.search(normalize_text(o.text)):
            text = (
                f"option '{o.id}' (\"{o.text.strip()}\") is an all/none-of-the-above option: it rewards partial "
                "knowledge and breaks when options are reordered. Replace it with a real option "
                "(to ask for several right options, use a `multiple` question)."
            )
            yield ("options", i), text


# ---------- a negative stem that is not emphasised ----------


def _negative_stem(q) -> Iterator[tuple[tuple, str]]:
    for sentence in _asking_sentences(q.prompt):
        plain = _EMPHASIS.sub(" ", _QUOTED.sub(" ", sentence))
        for phrase in _NOT_NEGATIVE:
            plain = re.sub(re.escape(phrase), " ", plain, flags=re.IGNORECASE)
        word = next((m.group(0) for m in _NEGATIVE.finditer(plain) if not m.group(0).isupper()), None)
        if word:
            text = (
                f"the prompt asks a negative question ('{word}') without emphasis, and students misread it. "
                f"Write the word in bold (**{word}**) or in capitals ({word.upper()}), or ask the question positively."
            )
            yield ("prompt",), text
            return


def _asking_sentences(prompt: str) -> list[str]:
    """The sentences that ask something: those with a question mark, else the last one."""
    sentences = [s for s in re.split(r"(?<=[.?!])\s+", " ".join(prompt.split())) if s]
    asking = [s for s in sentences if "?" in s]
    return asking or sentences[-1:]


# ---------- the comprehension share of a graded quiz ----------


def comprehension_share(quiz: BankFile, levels: tuple[str, ...] = COMPREHENSION_LEVELS) -> tuple[float, float]:
    """(points at one of ``levels``, all auto-graded points); unlabelled counts as recall.

    The default levels are understand and above; pass ``APPLY_LEVELS`` for the share at apply or above.
    """
    auto = quiz.auto_graded()
    return sum(q.points for q in auto if q.bloom in levels), sum(q.points for q in auto)


def _share_problem(parsed: Parsed, quiz: BankFile) -> list[Problem]:
    found = []
    for levels, least, what in (
        (COMPREHENSION_LEVELS, MIN_COMPREHENSION_SHARE, "understand or above"),
        (APPLY_LEVELS, MIN_APPLY_SHARE, "apply or above"),
    ):
        part, total = comprehension_share(quiz, levels)
        if not total or part / total >= least:
            continue
        text = (
            f"assignment '{quiz.assignment}': only {int(100 * part / total)}% of the auto-graded points "
            f"({part:g} of {total:g}) go to questions at bloom level {what}; a graded quiz needs at least "
            f"{least:.0%}. Rewrite recall questions so they need understanding or use on new cases, and label each "
            "`bloom:` as the latest blind review reads it (an unlabelled question counts as recall)."
        )
        found.append(Problem(parsed.path, parsed.line(("assignment",)), text))
    return found
