"""Patterns in a quiz's keys that students learn across questions: single-choice keys crowded at one position or
one letter, and multiple-select questions that share one key set.

Each rule returns ``(question index or None for the quiz, location inside it, message)``; ``lint.py`` turns them
into findings. Students see options in the bank's order, and the ids in the quiz's questions file.
"""

from __future__ import annotations

from collections import Counter

MIN_SINGLES_FOR_POSITION = 3  # with fewer single-choice questions a shared position is likely chance
MIN_SINGLES_FOR_SPREAD = 4  # from here on, a position holding most keys, or none, is a pattern students learn


def key_positions(quiz) -> list[str]:
    """Single-choice keys that sit in a pattern (students see options in the bank's order): all at one
    position, more than half at one position, or (with at least as many questions as options) none at some."""
    singles = [q for q in quiz.questions if q.type == "single"]
    positions = [[o.id for o in q.options].index(q.answer) + 1 for q in singles]
    if len(positions) < MIN_SINGLES_FOR_POSITION:
        return []
    if len(set(positions)) == 1:
        return [
            f"the key of every single-choice question ({len(positions)}) is option {positions[0]}, so its position "
            "points to it. Move some keys to other positions."
        ]
    if len(positions) < MIN_SINGLES_FOR_SPREAD:
        return []
    width = min(len(q.options) for q in singles)
    counts = {n: positions.count(n) for n in range(1, width + 1)}
    crowded = [n for n, c in counts.items() if c > len(positions) / 2]
    empty = [n for n, c in counts.items() if c == 0] if len(positions) >= width else []
    if not crowded and not empty:
        return []
    spread = ", ".join(f"option {n}: {c}" for n, c in counts.items())
    what = f"more than half are at option {crowded[0]}" if crowded else f"none is at option {empty[0]}"
    return [
        f"the keys of the {len(positions)} single-choice questions are spread badly: {what} ({spread}), and "
        "students who notice the pattern guess by position. Spread the keys over every position."
    ]


def key_letters(quiz) -> list[str]:
    """Single-choice keys that share one option id (all of them from 3, more than half from 4), where options
    listed out of id order hide it from the position rule: the questions file shows the ids, so the letter is the
    pattern."""
    keys = [q.answer for q in quiz.questions if q.type == "single"]
    if len(keys) < MIN_SINGLES_FOR_POSITION or key_positions(quiz):
        return []
    letter, count = Counter(keys).most_common(1)[0]
    if count < len(keys) and (len(keys) < MIN_SINGLES_FOR_SPREAD or count <= len(keys) / 2):
        return []
    return [
        f"{count} of the {len(keys)} single-choice keys are option '{letter}', and students who notice the letter "
        "guess by it. Give some keys other ids (students receive the ids in the questions file)."
    ]


def shared_key_sets(quiz) -> list[tuple[int, tuple, str]]:
    """Multiple-select questions whose right options have the same ids as an earlier one's in the quiz."""
    first: dict[frozenset, str] = {}
    found = []
    for i, q in enumerate(quiz.questions):
        if q.type != "multiple":
            continue
        keys = frozenset(q.answers)
        if keys in first:
            text = (
                f"question '{q.id}': its key {{{', '.join(sorted(keys))}}} is the key of question '{first[keys]}' "
                "too, so a student who notices picks the same letters again. Give one of them another set of right "
                "options (reorder its options, or change which are right)."
            )
            found.append((i, ("answers",), text))
        first.setdefault(keys, q.id)
    return found
