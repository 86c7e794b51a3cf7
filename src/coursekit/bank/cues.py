"""Cues inside one choice question that point to its key without understanding: length, the stem's words, and a
quotation in the stem that rules a distractor out (ids that give a key away are in ``ids.py``).

Each rule yields ``(location inside the question, message)``; ``lint.py`` turns them into findings.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from .text import normalize_text
from .words import shown, stems

MIN_DISTRACTORS = 2  # "the only shortest", "the only one sharing words": with one distractor that is a coin toss
_QUOTATION = re.compile(r"\"([^\"]+)\"|“([^”]+)”")


def _keys(q) -> set[str]:
    return {q.answer} if q.type == "single" else set(q.answers)


def length_cue(q) -> Iterator[tuple[tuple, str]]:
    """The key is the only longest option, or the only shortest (every right option, for multiple)."""
    if q.type not in ("single", "multiple"):
        return
    keys = _keys(q)
    right = [(i, len(o.text.strip())) for i, o in enumerate(q.options) if o.id in keys]
    wrong = [len(o.text.strip()) for o in q.options if o.id not in keys]
    if not wrong:
        return
    if min(n for _, n in right) > max(wrong):
        yield _length_message(q, right, wrong, "longest")
    elif max(n for _, n in right) < min(wrong) and len(wrong) >= MIN_DISTRACTORS:
        yield _length_message(q, right, wrong, "shortest")


def _length_message(q, right, wrong, extreme: str) -> tuple[tuple, str]:
    fix = ("Shorten", "lengthen") if extreme == "longest" else ("Lengthen", "shorten")
    if q.type == "multiple":
        more = "longer" if extreme == "longest" else "shorter"
        return ("answers",), (
            f"every right option is {more} than every wrong one, so length points to the keys. "
            f"{fix[0]} a key or {fix[1]} a distractor."
        )
    i, n = right[0]
    other = max(wrong) if extreme == "longest" else min(wrong)
    return ("options", i), (
        f"the key is the {extreme} option ({n} characters; the {extreme} other option has {other}), so its length "
        f"points to it. {fix[0]} the key or {fix[1]} a distractor."
    )


def stem_words_cue(q, topic: set[str]) -> Iterator[tuple[tuple, str]]:
    """The key is the only option that repeats the stem's content words, or the only one that repeats none."""
    if q.type not in ("single", "multiple"):
        return
    asked = stems(q.prompt, topic)
    shared = {o.id: stems(o.text, topic) & asked for o in q.options}
    keys, echoing = _keys(q), {oid for oid, words in shared.items() if words}
    wrong = [o.id for o in q.options if o.id not in keys]
    if len(wrong) < MIN_DISTRACTORS:
        return
    if echoing == keys:
        words = shown(q.prompt, set().union(*(shared[k] for k in keys)))
        yield (
            ("answers" if q.type == "multiple" else "answer",),
            (
                f"only the key{'s' if len(keys) > 1 else ''} repeat{'' if len(keys) > 1 else 's'} words of the prompt "
                f"({words}), so matching words finds {'them' if len(keys) > 1 else 'it'}. Use the prompt's words in "
                "distractors too, or none of them in the key."
            ),
        )
    elif echoing and echoing == set(wrong):
        yield (
            ("answers" if q.type == "multiple" else "answer",),
            (
                "every distractor repeats words of the prompt and the key alone does not, so the odd one out is the "
                "key. Let the key echo the prompt too, or reword the distractors."
            ),
        )


def quotation_cue(q, reading: str | None) -> Iterator[tuple[tuple, str]]:
    """A distractor built from words the stem quotes from the reading: the stem alone rules it in or out."""
    if q.type not in ("single", "multiple") or reading is None:
        return
    keys = _keys(q)
    for quoted in _quotations(q.prompt, reading):
        words = stems(quoted)
        need = max(1, math.ceil(len(words) / 2))
        for i, o in enumerate(q.options):
            shared = stems(o.text) & words
            if o.id not in keys and len(shared) >= need:
                yield (
                    ("options", i),
                    (
                        f"distractor '{o.id}' reuses the words the prompt quotes from the reading (\"{quoted}\": "
                        f"{shown(quoted, shared)}), so the quotation itself confirms or rules it out. Build the "
                        "distractor on another idea, or quote less."
                    ),
                )


def _quotations(prompt: str, reading: str) -> list[str]:
    """Passages of two or more words the prompt puts in quotation marks and the reading contains."""
    found = [a or b for a, b in _QUOTATION.findall(prompt)]
    return [t for t in found if len(t.split()) >= 2 and f" {normalize_text(t)} " in reading]
