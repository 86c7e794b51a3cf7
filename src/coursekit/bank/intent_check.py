"""Checks of a text question's stated intent (core, optional, accept, refuse): does it mean what its writer meant?

Run by ``coursekit check`` with the item-writing checks (``lint.py``). An intent that can never match, or that
makes a shorter answer right than the writer wrote, is an error in any file: it changes scores. An alias the core
terms already cover is a warning: it only makes the list longer than it needs to be.
"""

from __future__ import annotations

from collections.abc import Iterator

from .matching import FUNCTION_WORDS, content, intent, match_text, words

Finding = tuple[tuple, str, str]  # (location in the question, sentence, severity)


def intent_findings(q) -> Iterator[Finding]:
    """Every finding about a text question's intent fields."""
    if q.type != "text":
        return
    yield from _optional_words(q)
    yield from _empty_forms(q)
    yield from _refused_right_forms(q)
    yield from _covered_aliases(q)


def _optional_words(q) -> Iterator[Finding]:
    core_words = {w: term for term in q.core for w in content(words(term))}
    for i, word in enumerate(q.optional):
        found = words(word)
        if len(found) != 1:
            text = f"optional[{i + 1}] {word!r} is not one word. List each optional word on its own."
            yield ("optional", i), text, "error"
        elif found[0] in FUNCTION_WORDS:
            text = f"optional[{i + 1}] {word!r} is always optional (a, an, the, of, and are). Remove it."
            yield ("optional", i), text, "warning"
        elif found[0] in core_words:
            term = core_words[found[0]]
            text = (
                f"optional[{i + 1}] {word!r} is a word of the core term {term!r}, so an answer without it would be "
                "right too. Remove it from `optional`, or make the shorter term a core term of its own."
            )
            yield ("optional", i), text, "error"


def _empty_forms(q) -> Iterator[Finding]:
    ignore = {"core": frozenset(w for o in q.optional for w in words(o)), "accept": frozenset()}
    for field in ("core", "accept", "refuse"):
        for i, form in enumerate(getattr(q, field)):
            kept = words(form) if field == "refuse" else content(words(form), ignore[field])
            if not kept:
                aside = "punctuation, articles, 'of' and 'and'" + (" and the optional words" if field == "core" else "")
                text = (
                    f"{field}[{i + 1}] {form!r} has no words left once {aside} are set aside, so it can never "
                    "match. Write the words it should match."
                )
                yield (field, i), text, "error"


def _refused_right_forms(q) -> Iterator[Finding]:
    right = {tuple(words(f)): (field, f) for field in ("core", "accept") for f in getattr(q, field)}
    for i, form in enumerate(q.refuse):
        same = right.get(tuple(words(form)))
        if same:
            text = (
                f"refuse[{i + 1}] {form!r} is also listed as right under `{same[0]}` ({same[1]!r}). A form cannot be "
                "both right and refused: remove one."
            )
            yield ("refuse", i), text, "error"


def _covered_aliases(q) -> Iterator[Finding]:
    by_core = intent(core=tuple(q.core), optional=tuple(q.optional))
    for i, alias in enumerate(q.accept):
        found = match_text(by_core, alias)
        if found.kind == "core" and not found.slip:
            text = (
                f"accept[{i + 1}] {alias!r} is already right as {found.describe()}. Remove it to keep the list "
                "short (or keep it on purpose: it changes nothing)."
            )
            yield ("accept", i), text, "warning"
