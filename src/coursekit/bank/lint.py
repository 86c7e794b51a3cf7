"""Item-writing checks: cues that let a student answer without understanding, and each quiz's comprehension share.

Run by ``coursekit check`` after the schema checks (never by ``load_bank``, so a quiz with a
weak item can still be released and graded). In a graded quiz a finding is an error, because it
changes grades; in a practice set it is a warning. The rules are listed in the bank's README.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .intent_check import intent_findings
from .parse import Parsed, Problem
from .schema import BankFile
from .text import normalize_text

COMPREHENSION_LEVELS = ("understand", "apply", "analyze", "evaluate", "create")
MIN_COMPREHENSION_SHARE = 0.6
RUN_WORDS = 5  # a run of this many of a key's words, found in another question, gives the key away
_ABOVE = re.compile(r"\b(all|none|both|neither) (of )?the (above|options|preceding|answers)\b")
_NEGATIVE = re.compile(r"\b(not|never|except|least|cannot|false|incorrect|\w+n['’]t)\b", re.IGNORECASE)
_QUOTED = re.compile(r"\"[^\"]*\"|“[^”]*”")
_EMPHASIS = re.compile(r"\*\*[^*]+\*\*|\*[^*\s][^*]*\*|__[^_]+__|(?<!\w)_[^_]+_(?!\w)")
_NOT_NEGATIVE = ("not only", "at least", "whether or not")


def lint_file(parsed: Parsed, quiz: BankFile, *, complete: bool) -> list[Problem]:
    """Every item-writing finding of one file; ``complete``: all its questions passed the schema."""
    severity = "error" if quiz.kind == "graded" else "warning"
    index = _raw_index(parsed)
    found = []
    for q in quiz.questions:
        at = ("questions", index[q.id])
        for loc, text in [*_own_findings(q), *_leaks(q, quiz, parsed, index)]:
            found.append(Problem(parsed.path, parsed.line((*at, *loc)), f"question '{q.id}': {text}", severity))
        for loc, text, level in intent_findings(q):  # its own severities: a wrong intent changes scores anywhere
            found.append(Problem(parsed.path, parsed.line((*at, *loc)), f"question '{q.id}': {text}", level))
    found += [Problem(parsed.path, parsed.line(("questions",)), text, severity) for text in _key_positions(quiz)]
    if quiz.kind == "graded" and complete:
        found += _share_problem(parsed, quiz)
    return sorted(found, key=lambda p: p.line)


def _raw_index(parsed: Parsed) -> dict[str, int]:
    """Question id -> its position in the file (the first one, if an id repeats)."""
    raw = parsed.data.get("questions") if isinstance(parsed.data, dict) else None
    index: dict[str, int] = {}
    for i, q in enumerate(raw if isinstance(raw, list) else []):
        if isinstance(q, dict) and isinstance(q.get("id"), str):
            index.setdefault(q["id"], i)
    return index


def _own_findings(q) -> Iterator[tuple[tuple, str]]:
    yield from _longest_key(q)
    yield from _above_options(q)
    yield from _negative_stem(q)


# ---------- the key is the longest option ----------


def _longest_key(q) -> Iterator[tuple[tuple, str]]:
    if q.type not in ("single", "multiple"):
        return
    keys = {q.answer} if q.type == "single" else set(q.answers)
    right = [(i, len(o.text.strip())) for i, o in enumerate(q.options) if o.id in keys]
    wrong = [len(o.text.strip()) for o in q.options if o.id not in keys]
    if not wrong or min(n for _, n in right) <= max(wrong):
        return
    if q.type == "single":
        i, n = right[0]
        text = (
            f"the key is the longest option ({n} characters; the longest other option has {max(wrong)}), "
            "so its length points to it. Shorten the key or lengthen a distractor."
        )
        yield ("options", i), text
    else:
        text = (
            "every right option is longer than every wrong one, so length points to the keys. "
            "Shorten a key or lengthen a distractor."
        )
        yield ("answers",), text


# ---------- every key in the same place ----------

MIN_SINGLES_FOR_POSITION = 3  # with fewer single-choice questions a shared position is likely chance


def _key_positions(quiz: BankFile) -> list[str]:
    """A file whose single-choice keys all sit at the same position (students see options in the bank's order)."""
    positions = [[o.id for o in q.options].index(q.answer) for q in quiz.questions if q.type == "single"]
    if len(positions) < MIN_SINGLES_FOR_POSITION or len(set(positions)) > 1:
        return []
    return [
        f"the key of every single-choice question ({len(positions)}) is option {positions[0] + 1}, so its position "
        "points to it. Move some keys to other positions."
    ]


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


# ---------- a key given away by another question ----------


def _leaks(q, quiz: BankFile, parsed: Parsed, index: dict[str, int]) -> Iterator[tuple[tuple, str]]:
    for loc, key in _key_texts(q):
        for other in quiz.questions:
            if other is q:
                continue
            words = _given_away(key, _visible_text(other))
            if words:
                line = parsed.line(("questions", index[other.id], "id"))
                whole = words == normalize_text(key)
                what = f'the key "{_short(key)}" appears' if whole else f'the key\'s words "{words}" appear'
                yield loc, f"{what} in question '{other.id}' (line {line}), which gives it away. Reword one of them."


def _key_texts(q) -> list[tuple[tuple, str]]:
    """The texts a student would have to choose or produce to be right, with where each is written."""
    if q.type == "single":
        return [(("options", i), o.text) for i, o in enumerate(q.options) if o.id == q.answer]
    if q.type == "multiple":
        return [(("options", i), o.text) for i, o in enumerate(q.options) if o.id in q.answers]
    if q.type == "text":
        return [((field, i), a) for field in ("core", "accept") for i, a in enumerate(getattr(q, field))]
    if q.type == "numeric":
        return [(("answer",), str(q.key()))]
    return []


def _visible_text(q) -> str:
    """Everything a student reads of a question before grading."""
    parts = [q.prompt]
    for field in ("options", "items", "left", "right"):
        parts += [o.text for o in getattr(q, field, None) or []]
    return " | ".join(parts)


def _given_away(key: str, other: str) -> str | None:
    """The key (or a run of its words) if ``other`` contains it as whole words, else None."""
    k, text = normalize_text(key), f" {normalize_text(other)} "
    if len(k.replace(" ", "")) >= 3 and f" {k} " in text:
        return k
    words = k.split()
    for i in range(len(words) - RUN_WORDS + 1):
        run = words[i : i + RUN_WORDS]
        if sum(len(w) >= 4 for w in run) >= 2 and f" {' '.join(run)} " in text:
            return " ".join(run)
    return None


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:57] + "..."


# ---------- the comprehension share of a graded quiz ----------


def comprehension_share(quiz: BankFile) -> tuple[float, float]:
    """(points at bloom level understand or above, all auto-graded points); unlabelled counts as recall."""
    auto = quiz.auto_graded()
    return sum(q.points for q in auto if q.bloom in COMPREHENSION_LEVELS), sum(q.points for q in auto)


def _share_problem(parsed: Parsed, quiz: BankFile) -> list[Problem]:
    part, total = comprehension_share(quiz)
    if not total or part / total >= MIN_COMPREHENSION_SHARE:
        return []
    text = (
        f"assignment '{quiz.assignment}': only {int(100 * part / total)}% of the auto-graded points "
        f"({part:g} of {total:g}) go to questions at bloom level understand or above; a graded quiz needs at least "
        f"{MIN_COMPREHENSION_SHARE:.0%}. Rewrite recall questions so they need understanding, and label each "
        "`bloom:` honestly (an unlabelled question counts as recall)."
    )
    return [Problem(parsed.path, parsed.line(("assignment",)), text)]
